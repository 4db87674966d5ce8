Feature: Bewertung eines Nachbarn übernehmen („Einer für Alle“)
  Als ISB des Eifelkreises Bitburg-Prüm
  möchte ich die Bewertung der gemeinsamen Finanzsoftware übernehmen, die Bernkastel-Wittlich
  veröffentlicht hat, ohne meine eigenen Prüfergebnisse zu verlieren,
  damit ein Produkt nur einmal bewertet wird und ich sehe, wann die Übernahme zu erneuern ist.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds
    And die Bewertung "bernkastel-wittlich-finanzsoftware-5-1" liegt im Verbund vor
    And der Landkreis "eifelkreis-bitburg-pruem" hat die Bewertung "bernkastel-wittlich-finanzsoftware-5-1" noch nicht übernommen

  Scenario: Die Bewertung des Nachbarn wird mit ihrer Herkunft übernommen
    When ich "ikz-isms review adopt bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN --actor isb-eifel" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "4 Prüfeinträge geerbt (Herkunft review:bernkastel-wittlich-finanzsoftware-5-1)"
    And der Prüfeintrag "APP.3.1.A22" auf "APP-FIN" im Landkreis "eifelkreis-bitburg-pruem" hat den Status "ja" und die Herkunft "review:bernkastel-wittlich-finanzsoftware-5-1"
    And das Journal des Landkreises "eifelkreis-bitburg-pruem" ist intakt und nennt "isb-eifel" für 4 Änderungen
    When ich "ikz-isms review list" ausführe
    Then die Ausgabe enthält "eifelkreis-bitburg-pruem/APP-FIN (4)"

  Scenario: Eine eigene Prüfung bleibt gegen die Übernahme erhalten
    When ich "ikz-isms review adopt bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Eigene Einträge behalten (1): APP.3.1.A14 (ja)"
    And der Prüfeintrag "APP.3.1.A14" auf "APP-FIN" im Landkreis "eifelkreis-bitburg-pruem" hat den Status "ja" und die Herkunft "own"

  Scenario: Eine abgelaufene Bewertung meldet die geerbten Einträge zur erneuten Prüfung
    Given ich "ikz-isms review adopt bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN" ausgeführt habe
    And die Bewertung "bernkastel-wittlich-finanzsoftware-5-1" ist inzwischen abgelaufen
    When ich "ikz-isms review list" ausführe
    Then die Ausgabe enthält "abgelaufen"
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe meldet WARNUNG der Regel "review.expired"
    And die Ausgabe enthält "Zielobjekt APP-FIN: 4 geerbte Prüfeinträge erneut prüfen"
    When ich "ikz-isms assess --county eifelkreis-bitburg-pruem" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Geerbte Prüfeinträge zur erneuten Prüfung (4)"

  Scenario: Eine abgelaufene Bewertung wird nicht ohne Weiteres übernommen
    Given die Bewertung "bernkastel-wittlich-finanzsoftware-5-1" ist inzwischen abgelaufen
    When ich "ikz-isms review adopt bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN" ausführe
    Then endet der Befehl mit Exit-Code 4
    And die Fehlermeldung enthält "abgelaufen"
    And der Prüfeintrag "APP.3.1.A22" auf "APP-FIN" im Landkreis "eifelkreis-bitburg-pruem" hat den Status "unbearbeitet" und die Herkunft "own"

  Scenario: Nur der Produktbefund wird übernommen, die eigene Lage beantwortet der Landkreis selbst
    When ich "ikz-isms review adopt bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Hinweis von Bernkastel-Wittlich (teilweise): „WAF-Regelwerk des Herstellers liegt vor, ist aber nur im Erkennungsmodus aktiv.“"
    And der Prüfeintrag "APP.3.1.A20" auf "APP-FIN" im Landkreis "eifelkreis-bitburg-pruem" hat den Status "teilweise" und die Herkunft "own"
    When ich "ikz-isms review delta bernkastel-wittlich-finanzsoftware-5-1 --county eifelkreis-bitburg-pruem --target APP-FIN" ausführe
    Then die Ausgabe enthält "bestätigt"
    When ich "ikz-isms review answer bernkastel-wittlich-finanzsoftware-5-1 APP.3.1.A20 teilweise --county eifelkreis-bitburg-pruem --target APP-FIN --statement 'WAF-Regelwerk des Herstellers liegt vor, ist aber nur im Erkennungsmodus aktiv.'" ausführe
    Then endet der Befehl mit Exit-Code 2
    And die Fehlermeldung enthält "in eigenen Worten"
    When ich "ikz-isms review answer bernkastel-wittlich-finanzsoftware-5-1 APP.3.1.A20 nein --county eifelkreis-bitburg-pruem --target APP-FIN --statement 'Bei uns ist noch keine WAF vorgeschaltet; Ausschreibung läuft.'" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "abweichend"
    When ich "ikz-isms plan update --county eifelkreis-bitburg-pruem" ausführe
    Then endet der Befehl mit Exit-Code 0
    And der Realisierungsplan des Landkreises "eifelkreis-bitburg-pruem" enthält keine Formulierung der Bewertung "bernkastel-wittlich-finanzsoftware-5-1"
