"""Write the Framaforms (Drupal Webform 7.x-4.x) export fixtures under tests/fixtures/framaforms/.

A line-by-line port of the export code of the Drupal `webform` module, branch 7.x-4.x (mirror
github.com/drupalprojects/webform, commit 1e3714d32ef3b55498e734ef1c4c32d60755521a, 20 July 2018):

- includes/webform.report.inc: `webform_results_download_headers` (three header rows: the node title in
  row 1 column A, « Submission Details » or `submission_details` in row 2 column A, the submission
  information titles or keys in row 3), `webform_results_download_rows_process` (submission information,
  then each component's csv_data), `webform_webform_results_download_submission_information_info`
  (Serial, SID, Submitted Time, Completed Time, Modified Time, Draft, IP Address, UID, Username; release
  7.x-4.0 had a single « Time ») and `..._data` (`format_date(..., 'short')`, or `Y-m-d\\TH:i:s` when
  the exporter asks for ISO 8601 dates);
- components/select.inc: `_webform_csv_headers_select` / `_webform_csv_data_select` (a multiple select
  « Separate »: the component name in row 2 above its first option, one column per option, `X` or empty;
  « Compact »: one column, values joined by `,`; a single select: always one column);
- components/grid.inc: `_webform_csv_headers_grid` / `_webform_csv_data_grid` (the grid name in row 2,
  one column per question, titled by its label or its key; the option's label or key in each cell);
- components/textfield.inc, date.inc: one column; a date as `webform_date_format('short')`, or `Y-m-d`;
- includes/exporters/webform_exporter_delimited.inc: every cell quoted, `"` doubled, `<script>` tags
  turned to `[script]`, cells joined by the delimiter, `webform_csv_line_ending` (default "\\n");
- includes/exporters/webform_exporter_excel_delimited.inc (legacy Excel): BOM FF FE, tab, "\\n",
  every row converted to UTF-16LE;
- includes/exporters/webform_exporter_excel_xlsx.inc: a bare zip of five parts plus
  xl/worksheets/sheet1.xml written as 1024 spaces, the rows (inline strings; ISO dates as Excel serial
  numbers with styles 1 / 3), then the XML head written over the spaces (`eof()` seeks to 0).

Every name, IP address (192.0.2.0/24, 198.51.100.0/24: RFC 5737 documentation ranges) and username is
fictitious. Run: `.venv/bin/python tools/generer_framaforms.py` (deterministic: same bytes every run).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

DOSSIER = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "framaforms"

# ----------------------------------------------------------------------------- the forms, as the guide builds them

def _select(name, key, options, multiple=False):
    return {"type": "select", "name": name, "form_key": key, "options": [(o, o) for o in options],
            "multiple": multiple}


def _champ(type_, name, key):
    return {"type": type_, "name": name, "form_key": key}


RETOURS_TITRE = "Votre avis sur l'assistant téléphonique de la Ville"


def composants_retours(date: bool = True, separes: tuple[str, ...] = ()) -> list[dict]:
    """The residents' form; `separes`: the selects built as check boxes (multiple), exported « Separate »."""
    c = [
        _champ("date", "Date de l'appel (AAAA-MM-JJ)", "date"),
        _select("Où la réponse a-t-elle été recueillie ?", "canal",
                ["téléphone", "atelier", "permanence", "en ligne", "autre"]),
        _select("Quel était l'objet de l'appel ?", "motif",
                ["état civil", "élections", "urbanisme", "scolarité et enfance", "social et solidarités", "autre"]),
        _select("Avez-vous obtenu une réponse à votre demande ?", "reponse_obtenue", ["oui", "en partie", "non"]),
        _select("Avez-vous pu parler à un agent quand vous l'avez demandé ?", "agent_joint",
                ["oui", "non", "pas demandé"]),
        _select("Avez-vous compris que vous parliez à un assistant automatique ?", "ia_comprise", ["oui", "non"]),
        _select("Êtes-vous satisfait de cet appel ? De 1 (pas du tout) à 5 (tout à fait)", "satisfaction",
                ["1", "2", "3", "4", "5"]),
        _select("Utiliseriez-vous de nouveau ce service ?", "rappellerait", ["oui", "non", "ne sait pas"]),
        _select("Âge", "tranche_age", ["moins de 30 ans", "30 à 59 ans", "60 ans et plus"]),
        _champ("textarea", "Commentaire libre (jamais publié)", "commentaire"),
    ]
    for comp in c:
        if comp["form_key"] in separes:
            comp["multiple"] = True
    return c if date else c[1:]


#: (submitted at, is draft, IP, uid, username, answers by form key); the date question is the call's date,
#: the submission is made the same day (so a form without the date question gives the same dates).
SOUMISSIONS_RETOURS = [
    ("2026-03-05 10:12", 0, "192.0.2.17", 0, "", {
        "date": "2026-03-05", "canal": "téléphone", "motif": "état civil", "reponse_obtenue": "en partie",
        "agent_joint": "pas demandé", "ia_comprise": "oui", "satisfaction": "4", "rappellerait": "oui",
        "tranche_age": "60 ans et plus"}),
    ("2026-03-06 14:40", 0, "198.51.100.23", 12, "benevole.fictif", {
        "date": "2026-03-06", "canal": "permanence", "motif": "scolarité et enfance", "reponse_obtenue": "en partie",
        "agent_joint": "pas demandé", "ia_comprise": "oui", "rappellerait": "oui", "tranche_age": "30 à 59 ans"}),
    ("2026-03-08 09:05", 0, "192.0.2.44", 12, "benevole.fictif", {
        "date": "2026-03-08", "canal": "permanence", "motif": "autre", "reponse_obtenue": "oui",
        "agent_joint": "oui", "ia_comprise": "oui", "satisfaction": "1", "rappellerait": "non",
        "tranche_age": "60 ans et plus",
        "commentaire": 'COMMENTAIRE FICTIF : "transféré" vers un agent\naprès deux essais ; <script>x</script>'}),
    ("2026-03-09 18:30", 1, "198.51.100.99", 0, "", {  # a draft: left out on reading
        "date": "2026-03-09", "canal": "en ligne", "reponse_obtenue": "non"}),
    ("2026-03-14 11:00", 0, "192.0.2.201", 0, "", {
        "date": "2026-03-14", "canal": "en ligne", "motif": "social et solidarités", "agent_joint": "non",
        "satisfaction": "3", "rappellerait": "non", "tranche_age": "moins de 30 ans"}),
    ("2026-03-17 16:20", 0, "198.51.100.7", 31, "agent.essai", {
        "date": "2026-03-17", "canal": "atelier", "motif": "élections", "reponse_obtenue": "non",
        "agent_joint": "non", "ia_comprise": "non", "satisfaction": "2", "rappellerait": "ne sait pas",
        "tranche_age": "30 à 59 ans", "commentaire": "COMMENTAIRE FICTIF, sans donnée personnelle."}),
    ("2026-03-21 08:55", 0, "192.0.2.88", 0, "", {
        "date": "2026-03-21", "canal": "téléphone", "motif": "urbanisme", "reponse_obtenue": "oui",
        "agent_joint": "oui", "ia_comprise": "oui", "satisfaction": "5", "rappellerait": "oui",
        "tranche_age": "60 ans et plus"}),
]

GRILLE_TITRE = "Grille d'évaluation du callbot – membres du CLN"
CRITERES = [  # key|label, as in data/raw/grille_criteres.csv (critere, titre)
    ("usage", "Usage, intérêt fonctionnel"), ("coherence", "Cohérence, stratégie de territoire"),
    ("impact_metiers", "Impact métiers"), ("vie_privee", "Protection de la vie privée"),
    ("transparence", "Transparence, souveraineté"), ("fiabilite", "Fiabilité, biais ou erreurs"),
    ("environnement", "Efficacité environnementale"), ("gouvernance", "Gouvernance citoyenne"),
]
NIVEAUX = [("0", "Absent ou ignoré"), ("1", "Insuffisant ou partiel"), ("2", "Acceptable, à améliorer"),
           ("3", "Satisfaisant"), ("4", "Exemplaire"), ("NSPP", "Ne se prononce pas")]


def composants_grille() -> list[dict]:
    return [
        _champ("textfield", "Pseudonyme (jamais votre nom)", "pseudonyme"),
        {"type": "grid", "name": "Notes de la grille", "form_key": "notes", "questions": CRITERES,
         "options": NIVEAUX},
        _champ("textarea", "Commentaire (jamais publié)", "commentaire"),
    ]


#: the members' scores of data/raw/grille_notes_exemple.csv (first four members), pseudonyms instead of names
SOUMISSIONS_GRILLE = [
    ("2026-02-02 19:00", 0, "192.0.2.5", 41, "membre.alpha", {
        "pseudonyme": "Hibou", "notes": ["4", "3", "2", "0", "NSPP", "1", "1", "2"]}),
    ("2026-02-03 20:10", 0, "198.51.100.61", 42, "membre.beta", {
        "pseudonyme": "Loutre", "notes": ["3", "2", "1", "4", "2", "0", "2", "3"]}),
    ("2026-02-04 08:00", 1, "192.0.2.77", 43, "membre.gamma", {  # a draft
        "pseudonyme": "Renard", "notes": ["1", "", "", "", "", "", "", ""]}),
    ("2026-02-04 21:45", 0, "198.51.100.62", 44, "membre.delta", {
        "pseudonyme": "Castor", "notes": ["3", "3", "3", "1", "", "1", "1", "2"],
        "commentaire": "COMMENTAIRE FICTIF."}),
    ("2026-02-05 07:30", 0, "192.0.2.78", 45, "membre.epsilon", {
        "pseudonyme": "Blaireau", "notes": ["4", "3", "2", "3", "NSPP", "2", "NSPP", "2"]}),
]

# ----------------------------------------------------------------------------- webform.report.inc

INFO_EN = {"webform_serial": "Serial", "webform_sid": "SID", "webform_time": "Submitted Time",
           "webform_completed_time": "Completed Time", "webform_modified_time": "Modified Time",
           "webform_draft": "Draft", "webform_ip_address": "IP Address", "webform_uid": "UID",
           "webform_username": "Username"}
INFO_EN_40 = {"webform_serial": "Serial", "webform_sid": "SID", "webform_time": "Time", "webform_draft": "Draft",
              "webform_ip_address": "IP Address", "webform_uid": "UID", "webform_username": "Username"}
#: the French interface: t() strings as Framaforms' French translation renders them (see README)
INFO_FR = {"webform_serial": "Numéro", "webform_sid": "SID", "webform_time": "Date de soumission",
           "webform_completed_time": "Date de complétion", "webform_modified_time": "Date de modification",
           "webform_draft": "Brouillon", "webform_ip_address": "Adresse IP", "webform_uid": "UID",
           "webform_username": "Nom d'utilisateur"}
DETAILS = {"en": "Submission Details", "fr": "Détails de la soumission"}


def _date(texte: str, fmt: str) -> str:
    """PHP format_date with the few format characters used here (d m Y H i s, literal T and -)."""
    moment = dt.datetime.fromisoformat(texte)
    table = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M", "s": "%S"}
    return moment.strftime("".join(table.get(ch, ch) for ch in fmt.replace("\\T", "T")))


def entetes(titre, composants, options):
    """webform_results_download_headers."""
    info = options["info"]
    h = [[""] * len(info) for _ in range(3)]
    if info:
        h[0][0] = titre
        if options["header_keys"]:
            h[1][0] = "submission_details"
            h[2] = list(info.keys())
        else:
            h[1][0] = DETAILS[options["langue"]]
            h[2] = list(info.values())
    for c in composants:
        nom = c["form_key"] if options["header_keys"] else c["name"]
        if c["type"] == "select" and c["multiple"] and options["select_format"] == "separate":
            for n, (key, label) in enumerate(c["options"]):
                h[0].append("")
                h[1].append(nom if n == 0 else "")
                h[2].append(key if options["select_keys"] else label)
        elif c["type"] == "grid":
            for n, (key, label) in enumerate(c["questions"]):
                h[0].append("")
                h[1].append(nom if n == 0 else "")
                h[2].append(key if options["header_keys"] else "/".join(p for p in label.split("|") if p))
        else:
            h[0].append("")
            h[1].append("")
            h[2].append(nom)
    return h


def lignes(soumissions, composants, options):
    """webform_results_download_rows_process (+ each component's csv_data)."""
    out = []
    for n, (quand, brouillon, ip, uid, utilisateur, reponses) in enumerate(soumissions, start=1):
        iso = options.get("iso8601_date")
        temps = _date(quand, "Y-m-d\\TH:i:s" if iso else options["court"])
        valeurs = {"webform_serial": str(n), "webform_sid": str(100 + n), "webform_time": temps,
                   "webform_completed_time": "" if brouillon else temps, "webform_modified_time": temps,
                   "webform_draft": str(brouillon), "webform_ip_address": ip, "webform_uid": str(uid),
                   "webform_username": utilisateur}
        row = [valeurs[k] for k in options["info"]]
        for c in composants:
            v = reponses.get(c["form_key"])
            if c["type"] == "select":
                if c["multiple"]:
                    chosen = [] if v is None else [v]
                    cells = []
                    for key, label in c["options"]:
                        if key in chosen:
                            cells.append("X" if options["select_format"] == "separate"
                                         else (key if options["select_keys"] else label))
                        elif options["select_format"] == "separate":
                            cells.append("")
                    if options["select_format"] == "compact":
                        cells = [",".join(cells)]
                    row += cells
                else:
                    row.append("" if v is None else v)
            elif c["type"] == "grid":
                labels = dict(c["options"])
                row += [("" if not x else (x if options["select_keys"] else labels[x])) for x in v]
            elif c["type"] == "date":
                court = options["court"].split(" ")[0]
                row.append("" if not v else _date(v, "Y-m-d" if iso else court))
            else:
                row.append(v or "")
        out.append(row)
    return out


# ----------------------------------------------------------------------------- the exporters

def _cellule(v: str) -> str:
    return re.sub(r"<(/?script.*?)>", r"[\1]", '"' + v.replace('"', '""') + '"')


def delimite(rows, delimiter: str) -> bytes:
    """webform_exporter_delimited::add_row, line ending "\\n" (webform_csv_line_ending's default)."""
    return "".join(delimiter.join(_cellule(v) for v in r) + "\n" for r in rows).encode("utf-8")


def excel_ancien(rows) -> bytes:
    """webform_exporter_excel_delimited: BOM FF FE, then each tab-delimited row in UTF-16LE."""
    return b"\xff\xfe" + b"".join(("\t".join(_cellule(v) for v in r) + "\n").encode("utf-16-le") for r in rows)


_DATE_ANY = re.compile(r"^((\d{4})(-(\d{2}))(-(\d{2})))?(([T \s]?(\d{2}))(:(\d{2}))(:(\d{2}))?)?$")
_DATE_DATE = re.compile(r"^((\d{4})(-(\d{2}))(-(\d{2})))$")
_XML_INTERDIT = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]+")


def _xml(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#039;").replace("<", "&lt;").replace(
        ">", "&gt;")


def _colonne(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows) -> bytes:
    """webform_exporter_excel_xlsx: bof (1024 spaces), add_row per row, eof (head over the spaces), zip."""
    body = []
    for i, r in enumerate(rows, start=1):
        out = "<row>"
        for j, v in enumerate(r, start=1):
            v = _XML_INTERDIT.sub("", v)
            pos = f"{_colonne(j)}{i}"
            if v == "":
                pass
            elif _DATE_ANY.match(v):
                moment = dt.datetime.fromisoformat(v).replace(tzinfo=dt.timezone.utc)
                serial = moment.timestamp() / 86400 + 25568
                serial = serial + 1.0 if serial >= 59 else serial
                style = 1 if _DATE_DATE.match(v) else 3
                out += f'<c r="{pos}" s="{style}"><v>{serial!r}</v></c>'
            else:
                wrap = ' s="4"' if "\n" in v else ""  # wrappable(): a return, word-wrapping off by default
                out += f'<c r="{pos}" t="inlineStr"{wrap}><is><t>{_xml(v)}</t></is></c>'
        body.append(out + "</row>")
    sheet = bytearray((" " * 1024 + "\n").encode() + "".join(body).encode("utf-8"))
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{_colonne(max(map(len, rows)))}{len(rows)}"/><sheetData>').encode()
    sheet[:len(head)] = head
    sheet += b"</sheetData></worksheet>"
    parts = {
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">\n  <Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\n'
        '</Relationships>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\n  <Relationship Id="rId1" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/>\n  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>\n</Relationships>',
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main">\n  <fonts count="1"><font><name val="Verdana"/>'
        '</font></fonts>\n  <fills count="1"><fill><patternFill patternType="none"/></fill></fills>\n  <borders '
        'count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\n  <cellStyleXfs count='
        '"1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\n  <cellXfs count="5">\n    '
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\n    <xf numFmtId="14" fontId="0" fillId='
        '"0" borderId="0" xfId="0" applyNumberFormat="1"/>\n    <xf numFmtId="18" fontId="0" fillId="0" borderId='
        '"0" xfId="0" applyNumberFormat="1"/>\n    <xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>\n    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment='
        '"1">\n      <alignment wrapText="1"/>\n    </xf>\n  </cellXfs>\n  <cellStyles count="1"><cellStyle name='
        '"Normal" xfId="0" builtinId="0"/></cellStyles>\n  <dxfs count="0"/>\n  <tableStyles count="0"/>\n'
        '</styleSheet>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships">\n  <workbookPr />\n  <sheets>\n    <sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/>\n  </sheets>\n  <calcPr calcId="0"/>\n  <fileRecoveryPr repairLoad="1"/>\n</workbook>',
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n  <Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types">\n  <Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/>\n  <Default Extension="xml" ContentType='
        '"application/xml"/>\n  <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>\n  <Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\n  <Override '
        'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'styles+xml"/>\n</Types>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("_rels/", "xl/", "xl/_rels/"):
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), b"")
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text.encode())
        z.writestr(zipfile.ZipInfo("xl/worksheets/", (2026, 1, 1, 0, 0, 0)), b"")
        z.writestr(zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2026, 1, 1, 0, 0, 0)), bytes(sheet))
    return buf.getvalue()


# ----------------------------------------------------------------------------- the fixtures

def _options(**kw):
    o = {"info": INFO_EN, "header_keys": 0, "select_keys": 0, "select_format": "compact", "langue": "en",
         "court": "m/d/Y - H:i"}
    o.update(kw)
    return o


FR = {"info": INFO_FR, "langue": "fr", "court": "d/m/Y - H:i"}

#: name → (form, options, exporter, delimiter)
FIXTURES = {
    "retours_libelles_compact.tsv": ("retours", {}, _options(), "delimite", "\t"),
    "retours_cles_separe.csv": ("retours", {"date": False, "separes": ("canal", "motif")},
                                _options(info=INFO_EN_40, header_keys=1, select_format="separate"), "delimite", ","),
    "retours_francais_pointvirgule.csv": ("retours", {}, _options(**FR), "delimite", ";"),
    "retours_separe_barre.csv": ("retours", {"separes": ("canal", "reponse_obtenue", "tranche_age")},
                                 _options(select_format="separate", **FR), "delimite", "|"),
    "retours_excel.xlsx": ("retours", {}, _options(iso8601_date=True, iso8601_time=True), "xlsx", None),
    "retours_excel_ancien.xls": ("retours", {"date": False}, _options(**FR), "excel_ancien", None),
    "grille_libelles.tsv": ("grille", {}, _options(**FR), "delimite", "\t"),
    "grille_cles.xlsx": ("grille", {}, _options(header_keys=1, select_keys=1, iso8601_date=True), "xlsx", None),
    "grille_excel_ancien.xls": ("grille", {}, _options(select_keys=1), "excel_ancien", None),
}


def contenu(nom: str) -> bytes:
    form, kw, options, exporter, delimiter = FIXTURES[nom]
    if form == "retours":
        titre, composants, soumissions = RETOURS_TITRE, composants_retours(**kw), SOUMISSIONS_RETOURS
    else:
        titre, composants, soumissions = GRILLE_TITRE, composants_grille(), SOUMISSIONS_GRILLE
    rows = entetes(titre, composants, options) + lignes(soumissions, composants, options)
    if exporter == "delimite":
        return delimite(rows, delimiter)
    return excel_ancien(rows) if exporter == "excel_ancien" else xlsx(rows)


def main() -> None:
    DOSSIER.mkdir(parents=True, exist_ok=True)
    for nom in FIXTURES:
        (DOSSIER / nom).write_bytes(contenu(nom))
        print(DOSSIER / nom)


if __name__ == "__main__":
    main()
