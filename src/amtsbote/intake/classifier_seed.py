"""Seed examples for the document type classifier: a few varied German texts per type.

Short and deliberately unlike the test corpus (``tests/corpus/texts.py``): other senders,
other wording, partly OCR-ish. Staff corrections (``classify.learn``) are added on top.
Codes not yet in the catalogue are proposed in the intake README: kuendigung, stromrechnung,
kfz_versicherung, weiterbewilligungsantrag, veraenderungsmitteilung, widerspruch.
"""

from __future__ import annotations

SEED_EXAMPLES: dict[str, list[str]] = {
    "mietvertrag": [
        "Mietvertrag über Wohnraum. Der Vermieter vermietet dem Mieter zu Wohnzwecken die "
        "Wohnung im 1. Obergeschoss. Nettokaltmiete 450 Euro monatlich,"
        " Betriebskostenvorauszahlung "
        "120 Euro. Mietsicherheit (Kaution) zwei Monatsmieten. Das Mietverhältnis ist unbefristet.",
        "Untermietvertrag. Hauptmieter überlässt ein möbliertes Zimmer zur Untermiete. "
        "Untermiete einschließlich Nebenkosten 300 EUR. Kündigungsfrist drei Monate.",
        "Staffelmietvertrag zwischen Wohnungsgenossenschaft und Mitglied. Nutzungsvertrag für die "
        "Genossenschaftswohnung, Grundmiete, Nebenkosten, Heizkostenvorauszahlung, Mietbeginn.",
    ],
    "meldebescheinigung": [
        "Meldebestätigung nach § 24 Abs. 2 Bundesmeldegesetz. Die Anmeldung wurde im Melderegister "
        "eingetragen. Anschrift, Tag des Einzugs, alleinige Wohnung.",
        "Bürgerbüro Einwohnermeldeamt. Aufenthaltsbescheinigung / Meldebescheinigung: gemeldet "
        "mit Hauptwohnsitz seit, Familienstand ledig, Staatsangehörigkeit.",
        "Auszug aus dem Melderegister. Die Person ist unter folgender Anschrift mit Hauptwohnung "
        "gemeldet. Bescheinigung der Meldebehörde, Dienstsiegel.",
    ],
    "kontoauszug": [
        "Girokonto Kontoauszug Blatt 3. Buchung Valuta Umsatz Soll Haben. Kontostand alt, "
        "Kontostand neu. Überweisung, Lastschrift, Kartenzahlung, Gutschrift.",
        "Umsatzübersicht Ihres Kontos IBAN BIC. Saldo vom, Dispositionskredit, Zinsen. "
        "Lastschrift Miete, Gutschrift Bürgergeld Jobcenter, Abhebung Geldautomat.",
        "Finanzstatus Onlinebanking Umsätze der letzten 30 Tage. Buchungsdatum Empfänger "
        "Verwendungszweck Betrag. Aktueller Saldo.",
    ],
    "lohnabrechnung": [
        "Abrechnung der Brutto/Netto-Bezüge. Steuer-ID, Sozialversicherungsnummer, Steuerbrutto, "
        "SV-Brutto, Lohnsteuer, KV, RV, AV, PV Beitrag, Auszahlung Netto.",
        "Minijob Abrechnung Monat. Stundenlohn, geleistete Stunden, Verdienst brutto gleich netto, "
        "Pauschalsteuer Arbeitgeber, Überweisung auf Ihr Konto.",
        "Gehaltsmitteilung. Grundgehalt, Zuschläge für Nachtarbeit, Urlaubsgeld, gesetzliche "
        "Abzüge, Nettobezüge, Auszahlungsbetrag, Arbeitgeber Personalabteilung.",
    ],
    "nebenkostenabrechnung": [
        "Abrechnung der Betriebskosten nach Betriebskostenverordnung. Kostenart,"
        " Verteilerschlüssel, "
        "Anteil, Grundsteuer, Straßenreinigung, Müll, Hausmeister, Aufzug. Nachzahlung.",
        "Jährliche Nebenkostenabrechnung für Ihre Mietwohnung. Wasser Abwasser"
        " Niederschlagswasser, "
        "Gebäudeversicherung, Treppenhausreinigung. Guthaben wird erstattet.",
        "Betriebskostenabrechnung Wohnanlage. Umlage nach Quadratmeter Wohnfläche und Personen. "
        "Vorauszahlungen verrechnet, neue Vorauszahlung ab.",
    ],
    "heizkostenabrechnung": [
        "Heizkostenabrechnung nach Heizkostenverordnung. Verbrauchsanteil, Grundkostenanteil, "
        "Heizkostenverteiler, Zählerablesung, Fernwärme, Warmwasserbereitung.",
        "Abrechnung Wärme und Warmwasser. Ablesedaten Ihrer Heizkörper, Einheiten, Brennstoff "
        "Heizöl, Kosten je Einheit, Ihr Anteil, Nachzahlung Heizung.",
        "Energiekostenabrechnung Heizung. Gasverbrauch der Zentralheizung, Wärmemengenzähler, "
        "Umlage Heizkosten, Abrechnungsservice.",
    ],
    "au_bescheinigung": [
        "Arbeitsunfähigkeitsbescheinigung. Der Versicherte ist arbeitsunfähig seit,"
        " voraussichtlich "
        "bis. Ärztin, Diagnose, Krankschreibung.",
        "Ärztliche Bescheinigung über Arbeitsunfähigkeit. Krankgeschrieben, Erstbescheinigung, "
        "Folgebescheinigung, Unfall, Arztpraxis Stempel.",
        "Krankmeldung zur Vorlage beim Jobcenter. Bescheinigung der Arbeitsunfähigkeit, "
        "festgestellt am, Kassenärztliche Vereinigung.",
    ],
    "kindergeldbescheid": [
        "Familienkasse. Bescheid über die Festsetzung von Kindergeld nach dem "
        "Einkommensteuergesetz. Kindergeld für Ihr Kind wird monatlich gezahlt.",
        "Änderung der Kindergeldfestsetzung. Kindergeldnummer FK. Aufhebung Kindergeld ab, "
        "Einspruch innerhalb eines Monats bei der Familienkasse.",
        "Kindergeld Bewilligung. Zahlbetrag Kindergeld, berücksichtigte Kinder, Ordnungszahl, "
        "Familienkasse der Bundesagentur für Arbeit.",
    ],
    "rentenbescheid": [
        "Deutsche Rentenversicherung. Bescheid über Altersrente. Rentenberechnung, persönliche "
        "Entgeltpunkte, Rentenbeginn, monatlicher Zahlbetrag.",
        "Rentenversicherung Erwerbsminderungsrente befristet. Anlage Berechnung der Rente, "
        "Versicherungsverlauf, Zahlbetrag nach Abzug KVdR.",
        "Mitteilung über die Anpassung der Rente. Rentenanpassung zum 1. Juli, neuer Rentenbetrag, "
        "Hinterbliebenenrente, Rentenservice.",
    ],
    "arbeitsvertrag": [
        "Anstellungsvertrag. Der Arbeitnehmer wird als Verkäufer eingestellt. Arbeitsbeginn, "
        "Probezeit, wöchentliche Arbeitszeit, Bruttomonatsgehalt, Urlaubsanspruch.",
        "Arbeitsvertrag für geringfügig Beschäftigte. Aushilfe, Arbeitsentgelt, Stundenlohn, "
        "Beginn der Beschäftigung, Arbeitgeber und Arbeitnehmerin vereinbaren.",
        "Vertrag über ein befristetes Beschäftigungsverhältnis. Befristung bis, Tätigkeit, "
        "Vergütung, Arbeitszeit Teilzeit, Kündigung während der Probezeit.",
    ],
    "kuendigung": [
        "Kündigung. Hiermit kündigen wir das Arbeitsverhältnis fristgemäß zum Monatsende. "
        "Die Kündigungsfrist beträgt vier Wochen. Bitte melden Sie sich arbeitsuchend.",
        "Fristlose Kündigung des Arbeitsvertrages aus wichtigem Grund. Das"
        " Beschäftigungsverhältnis "
        "endet mit Zugang dieses Schreibens.",
        "Kündigung des Mietverhältnisses wegen Eigenbedarf. Wir kündigen den Mietvertrag über "
        "die Wohnung fristgerecht. Räumung und Rückgabe der Wohnung.",
    ],
    "stromrechnung": [
        "Stromabrechnung. Ihr Stromverbrauch im Abrechnungszeitraum, Zählerstand, Kilowattstunden, "
        "Arbeitspreis, Grundpreis, Abschlag, Nachzahlung Strom.",
        "Rechnung Haushaltsstrom Energieversorger. Verbrauch kWh, Stromsteuer, Netzentgelt, "
        "Umsatzsteuer, neuer Abschlagsplan.",
        "Jahresabrechnung Strom Grundversorgung. Zähler Nr., Ablesung, Strompreis brutto, "
        "geleistete Abschläge, Guthaben.",
    ],
    "krankenversicherung": [
        "Mitgliedsbescheinigung der Krankenkasse. Wir bestätigen die Mitgliedschaft in der "
        "gesetzlichen Kranken- und Pflegeversicherung seit.",
        "Bescheinigung über das Bestehen einer Familienversicherung. Krankenversichertennummer, "
        "versichert über das Mitglied.",
        "Versicherungsnachweis Krankenkasse zur Vorlage bei Behörden. Pflichtmitgliedschaft, "
        "Versichertenstatus, elektronische Gesundheitskarte.",
    ],
    "unterhaltstitel": [
        "Unterhaltsvereinbarung. Der Vater verpflichtet sich zur Zahlung von Kindesunterhalt "
        "in Höhe von monatlich. Mindestunterhalt, Altersstufe.",
        "Urkunde des Jugendamtes über die Verpflichtung zur Unterhaltszahlung. Vollstreckbare "
        "Ausfertigung, Unterhaltstitel, dynamisierter Unterhalt.",
        "Vereinbarung über Trennungsunterhalt und Ehegattenunterhalt. Unterhaltsbetrag, "
        "Zahlung jeweils im Voraus, Unterhaltsberechtigte.",
    ],
    "schulbescheinigung": [
        "Schulbescheinigung. Es wird bestätigt, dass der Schüler die Schule besucht, Klasse, "
        "Schuljahr, voraussichtliches Ende der Schulzeit.",
        "Bescheinigung über den Besuch einer Berufsschule. Ausbildungsberuf, Schülerin, "
        "Vollzeitunterricht, Schulleiter.",
        "Schülerausweis und Schulbesuchsbestätigung der Realschule für das laufende Schuljahr. "
        "Sekretariat, Schulstempel.",
    ],
    "weiterbewilligungsantrag": [
        "Weiterbewilligungsantrag Bürgergeld SGB II. Antrag auf Weiterbewilligung der Leistungen "
        "zur Sicherung des Lebensunterhalts ab. Änderungen seit dem letzten Antrag.",
        "WBA Formular. Ich beantrage die Fortzahlung der Leistungen. Angaben zu Einkommen, "
        "Vermögen und Unterkunft unverändert. Unterschrift Antragsteller.",
        "Antrag auf Weiterbewilligung für den nächsten Bewilligungsabschnitt. Mitglieder der "
        "Bedarfsgemeinschaft, Änderungen ja nein.",
    ],
    "veraenderungsmitteilung": [
        "Veränderungsmitteilung. Hiermit zeige ich folgende Änderung an: Umzug, neue Anschrift "
        "ab. Änderung der persönlichen oder wirtschaftlichen Verhältnisse.",
        "VÄM Formular Änderungsmitteilung Bürgergeld. Arbeitsaufnahme, Einkommen, Auszug, "
        "neue Bankverbindung. Nachweise anbei.",
        "Mitteilung einer Änderung in der Bedarfsgemeinschaft: Geburt, Einzug einer Person, "
        "Heirat. Änderung tritt ein zum.",
    ],
    "widerspruch": [
        "Widerspruch. Gegen den Bescheid vom lege ich hiermit Widerspruch ein. Begründung folgt. "
        "Bitte bestätigen Sie den Eingang meines Widerspruchs.",
        "Einlegung eines Widerspruchs gegen den Änderungsbescheid und den Sanktionsbescheid. "
        "Der Bescheid ist rechtswidrig, ich beantrage die Aufhebung.",
        "Hiermit widerspreche ich dem Aufhebungs- und Erstattungsbescheid. Widerspruchsfrist, "
        "Überprüfung, Rechtsanwalt, Vollmacht.",
    ],
    "bewerbungsnachweis": [
        "Nachweis über Bewerbungsbemühungen. Firma, Datum der Bewerbung, Stelle, Ergebnis Absage "
        "Vorstellungsgespräch. Anzahl Bewerbungen laut Kooperationsplan.",
        "Eigenbemühungen Liste Bewerbungen. Initiativbewerbung, Onlinebewerbung, Telefonische "
        "Anfrage, Rückmeldung des Arbeitgebers.",
        "Bewerbungsliste für das Jobcenter. Stellenangebot, Vermittlungsvorschlag, Bewerbung "
        "versandt am, Eingangsbestätigung der Firma.",
    ],
    "kfz_versicherung": [
        "Kfz-Haftpflichtversicherung Beitragsrechnung. Fahrzeug, Kennzeichen, Versicherungsnummer, "
        "Schadenfreiheitsrabatt, Jahresbeitrag, Vollkasko.",
        "Autoversicherung Versicherungsschein. Kraftfahrzeug-Haftpflicht, Fahrzeughalter, "
        "Erstzulassung, Typklasse, Regionalklasse, Beitrag.",
        "Beitragsmitteilung zur Kraftfahrtversicherung für Ihren Pkw. Teilkasko Selbstbeteiligung, "
        "Zahlungsweise jährlich, Versicherungsjahr.",
    ],
}
