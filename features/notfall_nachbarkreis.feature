Feature: Notfall im Nachbarkreis
  Als Lenkungskreis des Verbunds und als ISB eines Landkreises
  möchte ich wissen, wer einen kritischen Geschäftsprozess übernimmt, wenn ein Landkreis ausfällt,
  welche Risiken die Behördenleitung trägt und ob unsere Wiederanlaufpläne die Ziele schaffen,
  damit uns ein Angriff wie der, der einen Kreis elf Monate in den Notbetrieb zwang, nicht unvorbereitet trifft.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds

  Scenario: Der Verbund sieht, wer übernimmt und wer ohne Ausweichlösung wäre
    When ich "ikz-isms emergency verbund" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Bernkastel-Wittlich übernimmt (HV-2025-01)"
    And die Ausgabe enthält "Eifelkreis Bitburg-Prüm – 1 von 2 kritischen Prozessen"
    And keine Ausgabe nennt einen Geschäftsprozess des Eifelkreises, der nur Gesamtwerte freigibt
    When der Eifelkreis Bitburg-Prüm der Vereinbarung "HV-2025-02" für die Sozialleistungen beitritt
    And ich "ikz-isms emergency verbund" ausführe
    Then die Ausgabe enthält "Jeder offengelegte kritische Geschäftsprozess hat eine Ausweichlösung im Verbund."

  Scenario: Ein Risiko aus einer offenen Basis-Anforderung kann nicht akzeptiert werden
    When ich "ikz-isms risk accept R-002 --county vulkaneifel --by 'Landrätin J. Beispiel' --until 2028-12-31" ausführe
    Then endet der Befehl mit Exit-Code 4
    And die Fehlermeldung enthält "APP.2.1.A1 auf APP-AD"
    And das Risikoregister von "vulkaneifel" ist unverändert

  Scenario: Eine abgelaufene Akzeptanz fällt in der Prüfung auf
    Given es ist der 1. Juli 2028
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe enthält "county.risk.acceptance-expired"
    And die Ausgabe enthält "Akzeptanz von Risiko R-001"

  Scenario: Systeme erben die Wiederanlaufziele ihrer Geschäftsprozesse
    When ich "ikz-isms bia set GP-SOZ --county vulkaneifel --rto 12h" ausführe
    Then endet der Befehl mit Exit-Code 0
    And das Zielobjekt "SRV-APP" in "vulkaneifel" muss binnen 12 Stunden wieder laufen, geerbt von "GP-SOZ"
    When ich "ikz-isms bia targets --county vulkaneifel --gaps" ausführe
    Then die Ausgabe enthält "APP-FACH (Fachverfahren (webbasiert, Kfz/Soziales)): realistischer Wiederanlauf 15 Stunden"

  Scenario: Ein Vorfall im Nachbarkreis wird geübt und nachbereitet
    When ich "ikz-isms incident add --county cochem-zell --date 2026-11-16 --title 'Ausfall des Verzeichnisdienstes nach Update' --category ausfall --severity hoch --affected APP-AD --followup 'Updates des Verzeichnisdienstes erst nach Test einspielen' --followup-deadline 2027-03-31" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Erfasst: Vorfall V-2026-01"
    And der Realisierungsplan von "cochem-zell" führt die Folgemaßnahme zu "V-2026-01"
    When ich "ikz-isms emergency exercise add --id UE-2026-03 --type funktionstest --date 2026-11-25 --title 'Verzeichnisdienst im Ausweichbetrieb' --participant cochem-zell --participant bernkastel-wittlich --agreement HV-2026-01 --result erfolgreich" ausführe
    Then endet der Befehl mit Exit-Code 0
    When ich "ikz-isms emergency exercise list --as-of 2026-12-01" ausführe
    Then die Ausgabe enthält "UE-2026-03"
    And die Ausgabe enthält "Nichts überfällig."

  Scenario: Notfallhandbuch und Notfallplan des Verbunds als PDF
    When ich "ikz-isms emergency handbook eifelkreis-bitburg-pruem -o handbuch.pdf --date 2026-12-01" ausführe
    Then endet der Befehl mit Exit-Code 0
    And das PDF "handbuch.pdf" enthält "1 Alarmierung und Eskalation", "2 Business-Impact-Analyse", "3 Wiederanlaufpläne", "Lückenliste", "4 Hilfe im Verbund", "keine Ausweichlösung im Verbund", "5 Übungen" und "6 Sicherheitsvorfälle"
    When ich "ikz-isms emergency plan -o notfallplan.pdf --date 2026-12-01" ausführe
    Then endet der Befehl mit Exit-Code 0
    And das PDF "notfallplan.pdf" enthält "2 Landkreise ohne Ausweichlösung", "Eifelkreis Bitburg-Prüm: 1 von 2 kritischen Prozessen", "3 Vereinbarungen zur gegenseitigen Hilfe", "4 Gemeinsame Übungen" und "5 Risiken im Verbund"
