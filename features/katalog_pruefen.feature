Feature: Katalog prüfen
  Als CI-Verantwortliche des gemeinsamen Verbund-Repositorys
  möchte ich bei jedem Push Arbeitsumgebung und Kataloge mit "ikz-isms check" prüfen,
  damit ein veränderter oder fehlerhafter Katalog die Pipeline anhält,
  bevor ein Landkreis gegen ihn prüft.

  Background:
    Given die Beispiel-Arbeitsumgebung des Verbunds

  Scenario: Eine saubere Arbeitsumgebung besteht die Prüfung
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Prüfung bestanden: 0 Fehler"

  Scenario: Ein manipulierter Katalog lässt die Prüfung scheitern
    Given jemand hat im fixierten Katalog eine Anforderung umformuliert
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe meldet FEHLER der Regel "catalog.pin-mismatch"

  Scenario: Die Pipeline erhält einen JUnit-Bericht
    Given jemand hat im fixierten Katalog eine Anforderung umformuliert
    When ich "ikz-isms check --format junit --output pruefbericht.xml" ausführe
    Then endet der Befehl mit Exit-Code 1
    And der Bericht "pruefbericht.xml" ist gültiges JUnit-XML
    And der Bericht führt einen Fehlschlag der Regel "catalog.pin-mismatch"

  Scenario: Eine unlesbare Katalogdatei bricht die Prüfung ab
    Given der fixierte Katalog ist kein gültiges JSON mehr
    When ich "ikz-isms check --format junit --output pruefbericht.xml" ausführe
    Then endet der Befehl mit Exit-Code 3
    And die Fehlermeldung nennt die Datei "ikz-musterkatalog.json"
    And es wurde kein Bericht "pruefbericht.xml" geschrieben
