Feature: Katalog wechseln
  Als Informationssicherheitsbeauftragte eines Landkreises
  möchte ich unseren IT-Grundschutz-Check von Edition 2023 nach Grundschutz++ überführen,
  erst im Probelauf sehen, was übernommen wird und was ich entscheiden muss,
  und den Wechsel zurücknehmen können, wenn er nicht passt,
  damit wir nicht bei null anfangen und nichts stillschweigend verloren geht.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds
    And der Grundschutz++-Katalog vom 30.06.2026 ist als "gspp-2026-06" eingetragen
    And das BSI-Mapping Edition 2023 → Grundschutz++ ist als "itgs-nach-gspp" eingetragen

  Scenario: Der Probelauf zeigt, was sich bewegt, und ändert nichts
    When ich "ikz-isms catalog migrate --county bernkastel-wittlich --to gspp-2026-06 --mapping itgs-nach-gspp" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Migration Landkreis Bernkastel-Wittlich: muster (2026.1) → gspp-2026-06"
    And die Ausgabe enthält "Verweise, die mitgehen"
    And die Ausgabe enthält "Verweise: Entscheidung nötig"
    And die Ausgabe enthält "Probelauf – nichts geändert. Übernehmen mit --apply."
    And an den Dateien von "bernkastel-wittlich" hat sich nichts geändert

  Scenario: Übernehmen – Prüfeinträge und Maßnahmen ziehen mit, offene Verweise nennt check
    When ich "ikz-isms catalog migrate --county bernkastel-wittlich --to gspp-2026-06 --mapping itgs-nach-gspp --apply" ausführe
    Then endet der Befehl mit Exit-Code 0
    And "bernkastel-wittlich" arbeitet mit dem Katalog "gspp-2026-06"
    And die Maßnahme "M-015" nennt jetzt die Anforderung "UMS.5.2"
    And das Risiko "R-003" nennt weiter "NET.3.2.A10"
    And das Journal von "bernkastel-wittlich" ist intakt
    When ich "ikz-isms check" ausführe
    Then meldet check eine Warnung "county.transition.open-reference" zu "Risiko R-003 nennt noch 'NET.3.2.A10'"

  Scenario: Ein migrierter Vorschlag wird erneut geprüft und entschieden
    Given ich "ikz-isms catalog migrate --county bernkastel-wittlich --to gspp-2026-06 --mapping itgs-nach-gspp --apply" ausgeführt habe
    And ein Prüfeintrag von "bernkastel-wittlich" ist als Vorschlag aus der Migration zum erneuten Prüfen markiert
    When ich diesen Prüfeintrag mit "assess set" als "teilweise" bewerte
    Then endet der Befehl mit Exit-Code 0
    And ist der Prüfeintrag nicht mehr markiert und gilt als eigene Bewertung

  Scenario: Den Wechsel zurücknehmen
    Given ich "ikz-isms catalog migrate --county bernkastel-wittlich --to gspp-2026-06 --mapping itgs-nach-gspp --apply" ausgeführt habe
    When ich den letzten Katalogwechsel von "bernkastel-wittlich" mit "--apply" zurücknehme
    Then endet der Befehl mit Exit-Code 0
    And "bernkastel-wittlich" arbeitet mit dem Katalog "muster"
    And die Prüfeinträge, der Realisierungsplan und die Risiken von "bernkastel-wittlich" sind wie vor dem Wechsel
    And das Journal von "bernkastel-wittlich" ist intakt
