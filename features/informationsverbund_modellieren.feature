Feature: Informationsverbund modellieren
  Als neue Informationssicherheitsbeauftragte eines Landkreises
  möchte ich meinen Informationsverbund nur mit Befehlen erfassen und modellieren –
  ein Fachverfahren auf einem Windows-Server im Serverraum, Arbeitsplätze, das Netz –,
  damit der IT-Grundschutz-Check auf dem echten BSI-Katalog genau die Anforderungen prüft,
  die für dieses Modell gelten, und "ikz-isms check" jede Lücke des Modells meldet.

  Scenario: Modellieren auf dem IT-Grundschutz-Kompendium Edition 2023
    Given eine neue Arbeitsumgebung mit dem BSI-Katalog "kompendium-2023/XML_Kompendium_2023.xml"
    And der neue Landkreis "Musterkreis" ohne Startmodell
    When ich nacheinander ausführe:
      """
      ikz-isms target add GP-BAU --name Baugenehmigungsverfahren --type Geschäftsprozess --kronjuwel
      ikz-isms target need GP-BAU --c hoch --i hoch --a normal --reason "Bauanträge mit personenbezogenen Daten; falsche Bescheide haben Rechtsfolgen; einige Tage Ausfall sind überbrückbar"
      ikz-isms target add R-SERVER --name Serverraum --type Raum --kind Serverraum
      ikz-isms target add NET-LAN --name Verwaltungsnetz --type Netz --kind LAN
      ikz-isms target add SRV-WIN --name "Windows-Server Bauaufsicht" --type IT-System --kind Windows-Server --depends-on R-SERVER --depends-on NET-LAN
      ikz-isms target add CL --name Arbeitsplatzrechner --type IT-System --kind Windows-Client --count 120 --depends-on NET-LAN
      ikz-isms target add APP-BAU --name "Fachverfahren Bauaufsicht" --type Anwendung --kind Fachverfahren --depends-on SRV-WIN --depends-on CL
      ikz-isms target need APP-BAU --c normal --i normal --a normal --reason "Eigener Bedarf normal; er ergibt sich aus dem Baugenehmigungsverfahren"
      ikz-isms target link GP-BAU APP-BAU
      ikz-isms target scale --level hoch --text "Beträchtliche Folgen für Aufgaben und Betroffene"
      ikz-isms model approach standard --reason "Standard-Absicherung nach Beschluss der Verwaltungsleitung"
      ikz-isms model suggest --apply
      """
    Then endete jeder Befehl mit Exit-Code 0
    And gelten nach "standard" 489 und nach "basis" 194 Anforderungen, wie von Hand im Katalog gezählt
    And gelten für "SRV-WIN" nach "standard" 36 Anforderungen aus "SYS.1.1, SYS.1.2.3"
    And gelten nach "kern" 567 Anforderungen, weil das Kronjuwel "GP-BAU" alle Zielobjekte braucht
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe meldet FEHLER der Regel "county.structure.left-out" zu "CON.8 Software-Entwicklung"
    And die Ausgabe meldet FEHLER der Regel "county.structure.left-out" zu "OPS.2.2 Cloud-Nutzung"
    When ich nacheinander ausführe:
      """
      ikz-isms model exclude CON.7 --reason "Keine Dienstreisen ins Ausland mit dienstlichen Geräten"
      ikz-isms model exclude CON.8 --reason "Der Landkreis entwickelt keine Software selbst, er beschafft sie"
      ikz-isms model exclude CON.10 --reason "Keine eigene Entwicklung von Webanwendungen"
      ikz-isms model exclude OPS.2.2 --reason "Keine Cloud-Dienste"
      ikz-isms model exclude OPS.3.2 --reason "Der Landkreis bietet kein Outsourcing an"
      ikz-isms model exclude DER.3.2 --reason "Leitfaden IS-Revision gilt für die Bundesverwaltung"
      ikz-isms model set IV OPS.1.2.4 --reason "Beschäftigte der Bauaufsicht arbeiten auch in Telearbeit"
      ikz-isms model set IV OPS.2.3 --reason "Das Fachverfahren wird beim kommunalen Rechenzentrum gewartet"
      """
    Then endete jeder Befehl mit Exit-Code 0
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0
    When ich "ikz-isms model show" ausführe
    Then die Ausgabe enthält "Regel: IT-System der Art „Windows-Server“"
    And die Ausgabe enthält "Der Landkreis entwickelt keine Software selbst, er beschafft sie"

  Scenario: Modellieren auf Grundschutz++
    Given eine neue Arbeitsumgebung mit dem BSI-Katalog "gspp/resolved-2026-06-30/Grundschutz++-catalog.json"
    And der neue Landkreis "Musterkreis" ohne Startmodell
    When ich nacheinander ausführe:
      """
      ikz-isms target add GP-BAU --name Baugenehmigungsverfahren --type Geschäftsprozess
      ikz-isms target need GP-BAU --c hoch --i hoch --a normal --reason "Bauanträge mit personenbezogenen Daten; falsche Bescheide haben Rechtsfolgen; einige Tage Ausfall sind überbrückbar"
      ikz-isms target add R-SERVER --name Serverraum --type Raum --kind Serverraum
      ikz-isms target add NET-LAN --name Verwaltungsnetz --type Netz --kind LAN
      ikz-isms target add SRV-WIN --name "Windows-Server Bauaufsicht" --type IT-System --kind Windows-Server --depends-on R-SERVER --depends-on NET-LAN
      ikz-isms target add CL --name Arbeitsplatzrechner --type IT-System --kind Windows-Client --count 120 --depends-on NET-LAN
      ikz-isms target add APP-BAU --name "Fachverfahren Bauaufsicht" --type Anwendung --kind Fachverfahren --depends-on SRV-WIN --depends-on CL
      ikz-isms target need APP-BAU --c normal --i normal --a normal --reason "Eigener Bedarf normal; er ergibt sich aus dem Baugenehmigungsverfahren"
      ikz-isms target link GP-BAU APP-BAU
      ikz-isms target scale --level hoch --text "Beträchtliche Folgen für Aufgaben und Betroffene"
      ikz-isms model approach erhoeht --reason "Normal-SdT überall, erhöhte Anforderungen wo der Schutzbedarf es verlangt"
      ikz-isms model suggest --apply
      """
    Then endete jeder Befehl mit Exit-Code 0
    And gelten nach "erhoeht" 915 und nach "normal-sdt" 765 Anforderungen, wie von Hand im Katalog gezählt
    And gelten für "R-SERVER" nach "erhoeht" 67 Anforderungen aus "Serverräume"
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 1
    And check meldet 125 Anforderungen, die für kein Zielobjekt gelten, darunter für "Webbrowser", "E-Mail", "Externe Netzanschlüsse" und "Outsourcing"
    When ich nacheinander ausführe:
      """
      ikz-isms target add GEB --name Kreishaus --type Gebäude --kind Verwaltungsgebäude
      ikz-isms target link R-SERVER GEB
      ikz-isms target add KOM-INET --name Internetanbindung --type Kommunikationsverbindung --kind Internetanbindung
      ikz-isms target link NET-LAN KOM-INET
      ikz-isms target add APP-AD --name Verzeichnisdienst --type Anwendung --kind "Active Directory" --depends-on SRV-WIN
      ikz-isms target add APP-MAIL --name E-Mail --type Anwendung --kind E-Mail --depends-on SRV-WIN
      ikz-isms target add APP-OFFICE --name Büroanwendungen --type Anwendung --kind Office --depends-on CL
      ikz-isms target add APP-BROWSER --name Webbrowser --type Anwendung --kind Webbrowser --depends-on CL
      ikz-isms model suggest --apply
      ikz-isms model set IV Outsourcing --reason "Das Fachverfahren wird beim kommunalen Rechenzentrum gewartet"
      ikz-isms model exclude Cloud-Dienste --reason "Keine Cloud-Dienste"
      ikz-isms model exclude Webserver --reason "Keine eigenen Webserver; das Bürgerportal betreibt das Land"
      ikz-isms model exclude TK-Anwendungen --reason "Telefonie und Videokonferenzen stellt das Land bereit"
      ikz-isms model exclude DNS-Server --reason "Namensauflösung durch das kommunale Rechenzentrum"
      ikz-isms model exclude WLANs --reason "Kein WLAN im Kreishaus"
      ikz-isms model exclude Virtualisierungslösungen --reason "Der Server läuft ohne Virtualisierung"
      ikz-isms model exclude Dateiserver --reason "Dokumente liegen nur im Fachverfahren"
      ikz-isms model exclude Datenträgerarchiv --reason "Sicherungen lagert das kommunale Rechenzentrum"
      ikz-isms model exclude Faxe --reason "Keine Faxgeräte mehr"
      ikz-isms model exclude DEV --reason "Der Landkreis entwickelt keine Software selbst, er beschafft sie"
      """
    Then endete jeder Befehl mit Exit-Code 0
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0

  Scenario: Ein IT-System ohne Baustein fällt in der Prüfung auf
    Given die Beispiel-Arbeitsumgebung des Verbunds
    When ich "ikz-isms target add PC-SCAN --name Scan-Arbeitsplatz --type IT-System --county vulkaneifel" ausführe
    And ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 1
    And die Ausgabe meldet FEHLER der Regel "county.structure.unmodelled" zu "PC-SCAN"
    When ich nacheinander ausführe:
      """
      ikz-isms target edit PC-SCAN --kind Windows-Client --county vulkaneifel
      ikz-isms model suggest --apply --target PC-SCAN --county vulkaneifel
      """
    Then endete jeder Befehl mit Exit-Code 0
    When ich "ikz-isms check" ausführe
    Then endet der Befehl mit Exit-Code 0
