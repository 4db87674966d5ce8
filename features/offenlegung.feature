Feature: Landkreis gibt Kennzahlen frei
  Als ISB eines Landkreises im Verbund
  möchte ich meine Prüfergebnisse in meiner eigenen Arbeitsumgebung behalten
  und dem Verbund nur ein signiertes Paket mit dem geben, was meine Offenlegung erlaubt,
  damit der Lenkungskreis vergleichen kann, ohne unsere Befunde (VS – NfD) zu sehen.

  Background:
    Given die Landkreise "Vollstadt" (Offenlegung full) und "Summental" (Offenlegung aggregate) in eigenen Arbeitsumgebungen
    And eine Verbund-Arbeitsumgebung mit ihren hinterlegten Schlüsseln und veröffentlichten Paketen

  Scenario: Der Verbund prüft die Pakete und zeigt nur, was freigegeben ist
    When ich im Verbund "ikz-isms verbund verify" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Summental: Paket gültig"
    When ich im Verbund "ikz-isms assess --verbund" ausführe
    Then endet der Befehl mit Exit-Code 0
    And die Ausgabe enthält "Vollstadt"
    And die Ausgabe enthält "Ohne Anforderungs-IDs freigegeben (kein Beitrag zu gemeinsamen Lücken): Summental"
    And keine Ausgabe enthält einen Freitext der Landkreise

  Scenario: Ein nachträglich verändertes Paket wird abgewiesen
    Given jemand hat im Paket von "summental" den Erfüllungsgrad geschönt
    When ich im Verbund "ikz-isms verbund verify" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe enthält "Signatur ungültig"
    When ich im Verbund "ikz-isms assess --verbund" ausführe
    Then die Ausgabe enthält "Nicht verwertet: Summental"

  Scenario: Ein veraltetes Paket wird abgewiesen
    Given es ist 120 Tage später
    When ich im Verbund "ikz-isms verbund verify" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe enthält "veraltet"

  Scenario: Ein umgeschriebenes Journal fällt gegen den eingecheckten Stand auf
    Given die Arbeitsumgebung von "vollstadt" ist in git eingecheckt
    And jemand hat im Journal von "vollstadt" einen Eintrag geändert und die Kette neu berechnet
    When ich im Landkreis "vollstadt" "ikz-isms journal verify --against HEAD" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe enthält "Verlauf umgeschrieben"

  Scenario: Ein Python-Plugin der Verbund-Arbeitsumgebung läuft erst nach Freigabe
    Given im Verbund liegt ein Python-Plugin "zusatz", das beim Laden eine Datei anlegt
    When ich im Verbund "ikz-isms --help" ausführe
    Then endet der Befehl mit Exit-Code 0
    And das Plugin "zusatz" wurde nicht ausgeführt
    And die Fehlermeldung enthält "ikz-isms plugins allow zusatz"
    When ich im Verbund "ikz-isms plugins allow zusatz" ausführe
    And ich im Verbund "ikz-isms --help" ausführe
    Then das Plugin "zusatz" wurde ausgeführt
