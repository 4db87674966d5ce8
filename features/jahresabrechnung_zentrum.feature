Feature: Jahresabrechnung des gemeinsamen Dienstleistungszentrums
  Als Kämmerei einer Verbandsgemeinde
  möchte ich im ersten Quartal eine Abrechnung der Zentralen Vergabestelle erhalten, die die
  Ist-Stunden zum Vollkostensatz gegen meine Abschläge rechnet und alles nennt, was ich zum Buchen brauche,
  damit ich genau den Betrag zahle, den das Mitglied genutzt hat, und nicht mehr.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds
    And die Ist-Stunden 2025 der Zentralen Vergabestelle sind erfasst

  Scenario: Der Plan reproduziert die Zahlen aus den IKZ-Berichten
    When ich "ikz-isms service-centre plan vergabestelle --year 2025" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "1.815"
    And die Ausgabe enthält "1.140.000,00 €"
    And die Ausgabe enthält "286.200,00 €"

  Scenario: Die Abrechnung eines Mitglieds mit ausgebliebenem Abschlag
    When ich "ikz-isms service-centre settle vergabestelle --year 2025 --date 2026-02-16 --statements abrechnungen" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Abrechnung "abrechnungen/abrechnung-vergabestelle-2025-vg-ginsterfeld.pdf" nennt "Kassenzeichen 6.1100.2110.300115.2025"
    And die Abrechnung "abrechnungen/abrechnung-vergabestelle-2025-vg-ginsterfeld.pdf" nennt "Zu zahlen 9.585,00 €"
    And die Abrechnung "abrechnungen/abrechnung-vergabestelle-2025-vg-ginsterfeld.pdf" nennt "Fällig am 18.03.2026"
    And die Abrechnung "abrechnungen/abrechnung-vergabestelle-2025-vg-ginsterfeld.pdf" nennt "IBAN DE09 1234 5678 0001 2345 67"

  Scenario: Ist-Stunden für ein unbekanntes Mitglied werden nicht erfasst
    When ich "ikz-isms service-centre hours add vergabestelle --member atlantis --service vob --hours 2 --date 2025-06-02" ausführe
    Then endet der Befehl mit Exit-Code 2
    And die Fehlermeldung nennt "--member 'atlantis' ist kein Mitglied"
    And die Ist-Stunden 2025 der Zentralen Vergabestelle sind unverändert
