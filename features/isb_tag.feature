Feature: Der Arbeitstag der Informationssicherheitsbeauftragten
  Als ISB des Landkreises Vulkaneifel
  möchte ich eine neue Anwendung modellieren, ihre Anforderungen prüfen,
  die offenen Basis-Anforderungen sehen und Maßnahmen dafür planen,
  damit der Realisierungsplan zeigt, wer was bis wann zu welchen Kosten umsetzt.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds
    And im Landkreis "vulkaneifel" ist die neue Anwendung "APP-TERMIN" "Online-Terminvergabe" mit dem Baustein "APP.3.1" modelliert, die auf "SRV-APP" läuft

  Scenario: Die neue Anwendung ist modelliert und die Arbeitsumgebung bleibt stimmig
    When ich "ikz-isms assess targets --county vulkaneifel --format json" ausführe
    Then endet der Befehl mit Exit-Code 0
    And das Zielobjekt "APP-TERMIN" hängt ab von "SRV-APP"
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0

  Scenario: Die Prüfpunkte der neuen Anwendung im Dialog beantworten
    When ich im Dialog für "APP-TERMIN" antworte:
      """
      ja
      Anmeldung über das Servicekonto mit Zwei-Faktor-Authentisierung
      Fachdienst Digitalisierung
      nein
      Hochgeladene Dateien werden nicht geprüft
      Fachdienst Digitalisierung
      teilweise
      Sperre nach Fehlversuchen, aber kein Captcha
      Fachdienst Digitalisierung
      q
      """
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "3 Antworten gespeichert."
    And das Journal des Landkreises "vulkaneifel" hat 3 neue Einträge und ist intakt

  Scenario: Eine Anforderung per Skript setzen
    When ich "ikz-isms assess set APP.3.1.A14 APP-TERMIN ja --statement 'Quelltexte im internen Repository' --county vulkaneifel" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Gespeichert: APP.3.1.A14 auf APP-TERMIN (Vulkaneifel): neu → ja"

  Scenario: Die offenen Basis-Anforderungen der neuen Anwendung sehen
    Given die Prüfpunkte von "APP-TERMIN" sind beantwortet: "APP.3.1.A1" ja, "APP.3.1.A4" nein, "APP.3.1.A7" teilweise
    When ich "ikz-isms assess --county vulkaneifel --format json" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die offenen Basis-Anforderungen von "APP-TERMIN" sind "APP.3.1.A4 nein, APP.3.1.A7 teilweise, APP.3.1.A14 unbearbeitet"
    When ich "ikz-isms assess --county vulkaneifel --fail-on-basis-gaps" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe enthält "APP.3.1.A4"

  Scenario: Maßnahmen für die Lücken planen
    Given die Prüfpunkte von "APP-TERMIN" sind beantwortet: "APP.3.1.A1" ja, "APP.3.1.A4" nein, "APP.3.1.A7" teilweise
    When ich "ikz-isms plan update --county vulkaneifel" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "2 neu"
    When ich der Maßnahme zu "APP.3.1.A4" auf "APP-TERMIN" die Verantwortung "Fachdienst Digitalisierung", die Frist "2027-03-31" und die Kosten "4.800,00" gebe
    Then endet der Befehl mit Exit-Code 0
    When ich "ikz-isms plan --county vulkaneifel" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "4.800,00 €"
    And die Ausgabe enthält "31.03.2027"
    And der Realisierungsplan von "vulkaneifel" führt "APP.3.1.A4" und "APP.3.1.A7" auf "APP-TERMIN" mit Priorität 2 vor allen Standard-Anforderungen

  Scenario: Eine geschlossene Lücke wird im Plan als umgesetzt geführt
    Given die Prüfpunkte von "APP-TERMIN" sind beantwortet: "APP.3.1.A4" nein
    And ich "ikz-isms plan update --county vulkaneifel" ausgeführt habe
    When ich "ikz-isms assess set APP.3.1.A4 APP-TERMIN ja --county vulkaneifel" ausführe
    And ich "ikz-isms plan update --county vulkaneifel" ausführe
    Then die Ausgabe enthält "1 als umgesetzt markiert"
    And die Maßnahme zu "APP.3.1.A4" auf "APP-TERMIN" steht auf "umgesetzt"
