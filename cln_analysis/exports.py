"""Exports of a report's tables: the processed CSV (byte-stable), the CSV French Excel opens in columns, and the
workbook of every table (French headers, numbers stored as numbers with their French display format)."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from . import arrondi, formats
from .lecture.erreurs import lettre
from .sorties import Feuille, TableauLong

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the runner writes workbooks without importing pandas


def tableau_csv(df: pd.DataFrame) -> str:
    """A processed table as CSV text: UTF-8, `,`, `.` decimal, `\\n` line ends, byte-stable."""
    out = io.StringIO()
    df.to_csv(out, index=False, lineterminator="\n", float_format=None)
    return out.getvalue()


_ESPACES = re.compile(r"[\s\u00a0\u202f]")
_NOMBRE_PAGE = re.compile(r"[+-]?(\d+)(?:,(\d+))?(%|€)?")
_GROUPE = re.compile(r"\d[\s\u00a0\u202f]\d")
#: Every ASCII digit as 0: the texts of a column that `_format_excel` cannot tell apart (« 12 345 », « 67 890 »)
_ZEROS = str.maketrans("123456789", "000000000")


def _format_excel(exemple: str) -> str | None:
    """The Excel number format matching a French formatted value (`7,3 %` → `0.0%`), None for text. The
    thousands separator is kept only when the page shows one: a year, a month or an id the page prints as
    `2023` is `0` in the workbook, never `#,##0` (« 2 023 »)."""
    return _format_de_forme(exemple.translate(_ZEROS))


@lru_cache(maxsize=1024)
def _format_de_forme(exemple: str) -> str | None:
    """`_format_excel` of a text whose ASCII digits are all 0 (its result does not depend on which digits)."""
    t = _ESPACES.sub("", exemple).replace("\u2212", "-")
    m = _NOMBRE_PAGE.fullmatch(t)
    if not m:
        return None
    groupes = "#,##0" if len(m.group(1)) < 4 or _GROUPE.search(exemple) else "0"
    decimales = "." + "0" * len(m.group(2)) if m.group(2) else ""
    if m.group(3) == "%":
        return f"0{decimales}%"
    return f'{groupes}{decimales} "€"' if m.group(3) == "€" else f"{groupes}{decimales}"


def _plus_grand(valeurs: list) -> object:
    """The number of largest magnitude in a column (the one whose French text shows its grouping), or None."""
    nombres = [v for v in valeurs if isinstance(v, (int, float)) and not isinstance(v, bool)
               and not formats.est_manquant(v)]
    return max(nombres, key=abs) if nombres else None


#: How a yes/no column reads in the workbook and the CSV files (the page's words, not True/False).
OUI_NON = {True: "oui", False: "non"}


def _decimales_format(excel: str) -> int:
    """The decimals an Excel number format shows (`0.0%` → 1, `#,##0 "€"` → 0)."""
    m = re.search(r"\.(0+)", excel)
    return len(m.group(1)) if m else 0


def feuille_excel(
    df: pd.DataFrame, legende: str, titres: Mapping[str, str], formateurs: Mapping[str, Callable],
    textes_page: Mapping[str, list[str]] | None = None,
) -> Feuille:
    """One table as a workbook sheet: French headers, numbers kept as numbers with the Excel display
    format that matches the page's French format; a column the page shows as words is written as words.
    Where the page formats a number, the cell holds the number the page prints (`formats.nombre_du_texte`
    of its text: nearest for a figure, outward for a confidence bound), so that cell and page never differ.
    `textes_page`: a formatted column's page text of each row when the caller already has them (a missing
    value's text is not read): the column is not formatted a second time."""
    textes_page = textes_page or {}
    formats_excel, cellules = [], []
    for c in df.columns:
        valeurs = df[c].tolist()
        fmt = formateurs.get(c)
        manquants = [formats.est_manquant(v) for v in valeurs]
        textes = None if fmt is None else textes_page[c] if c in textes_page else _textes(valeurs, manquants, fmt)
        excel, colonne = _colonne_excel(valeurs, manquants, textes, fmt)
        formats_excel.append(excel)
        cellules.append(colonne)
    lignes = [list(ligne) for ligne in zip(*cellules, strict=True)] if cellules else [[] for _ in range(len(df))]
    return Feuille(legende, [str(titres.get(c, c)) for c in df.columns], formats_excel, lignes)


def feuille_codee(df: pd.DataFrame, legende: str, titres: Mapping[str, str], formateurs: Mapping[str, Callable],
                  long: TableauLong, factorisees: list | None = None) -> Feuille:
    """The workbook's sheet of a page's long table (`Rapport.tableau_long`), coded as that table is: each column's
    distinct values made cells once, from the texts the page shows (`rendu.tableau_long` formatted each distinct
    value once, in the order `pandas.factorize` finds them), and the table's own codes, never expanded here (a
    large city's 25 000 digital budget lines: 350 000 cells). The cells are those `feuille_excel` writes.
    `factorisees`: `rendu.factoriser(df)`, which the long table was made from, when the caller has it."""
    import pandas as pd  # with the kernel's table: loaded already

    if not len(df.columns):
        return Feuille(legende, [], [], [[] for _ in range(len(df))])
    formats_excel, distinctes, codes = [], [], []
    for j, c in enumerate(df.columns):
        fmt = formateurs.get(c)
        if df[c].dtype == object and pd.api.types.infer_dtype(df[c], skipna=True) not in ("string", "empty"):
            # values of several types (True beside 1, 1 beside 1.0), which pandas counts as one: each cell as
            # `feuille_excel` writes it, from the page's text of its row, then coded by its own type and value
            valeurs = df[c].tolist()
            textes = [long.textes[j][k] for k in long.codes[j]] if fmt else None
            excel, cellules = _colonne_excel(valeurs, [formats.est_manquant(v) for v in valeurs], textes, fmt)
            cellules, colonne = _coder(cellules)
        else:
            # as `rendu.tableau_long`: its codes are these
            uniques = factorisees[j][1] if factorisees else pd.factorize(df[c], use_na_sentinel=True)[1]
            valeurs = uniques.tolist()
            if fmt is formats.entier and uniques.dtype.kind in "iu" and len(valeurs):
                # counts (25 000 line numbers): each page text shows its integer exactly, which `_colonne_excel`
                # would read back from it; the format of the largest, which every other text shares
                excel, cellules = _format_excel(fmt(max(valeurs, key=abs))), valeurs
            else:
                excel, cellules = _colonne_excel(valeurs, [formats.est_manquant(v) for v in valeurs],
                                                 long.textes[j][:len(valeurs)] if fmt else None, fmt)
            if len(long.textes[j]) > len(valeurs):  # its « — »: a missing value, the sheet's empty cell
                cellules.append(None)
            colonne = long.codes[j]
        formats_excel.append(excel)
        distinctes.append(cellules)
        codes.append(colonne)
    return Feuille(legende, [str(titres.get(c, c)) for c in df.columns], formats_excel, [], distinctes, codes)


def _coder(cellules: list) -> tuple[list, list[int]]:
    """(each distinct cell once, in the order met; the index of each row's) — 1, 1.0 and True kept apart."""
    vus: dict[tuple, int] = {}
    distinctes, codes = [], []
    for v in cellules:
        cle = (type(v), v)
        if cle not in vus:
            vus[cle] = len(distinctes)
            distinctes.append(v)
        codes.append(vus[cle])
    return distinctes, codes


def _colonne_excel(valeurs: list, manquants: list[bool], textes: list | None,
                   fmt: Callable | None) -> tuple[str | None, list]:
    """(the Excel number format, the cells) of one column of `feuille_excel`: `textes`, the page's text of each
    value when the page formats the column (`fmt`)."""
    premier = next((v for v, m in zip(valeurs, manquants, strict=True) if not m), None)
    nombre = isinstance(premier, (int, float)) and not isinstance(premier, bool)
    exemple = _plus_grand(valeurs) if nombre else premier
    excel = _format_excel(str(fmt(exemple))) if (fmt and exemple is not None and nombre) else None
    if excel is not None:  # a column whose page shows some cents (`euros_auto`): the format shows them all
        formes = dict.fromkeys(_format_excel(t) or excel for t in dict.fromkeys(t for t in textes if t is not None))
        excel = max(formes, key=_decimales_format)  # the first of the most decimals, each format looked at once
    if fmt is not None and (not nombre or excel is None):  # the page's words
        return excel, [None if m else t for m, t in zip(manquants, textes, strict=True)]
    colonne: list = []  # built column by column (a large city's 25 000 budget lines: 350 000 cells)
    ajouter = colonne.append
    lus: dict[str, float | None] = {}  # the number a text shows, read once per text
    for i, v in enumerate(valeurs):
        if manquants[i]:
            ajouter(None)
        elif type(v) is str:  # a code or a label, as it is (what `str(v)` below gives of it)
            ajouter(v)
        elif isinstance(v, bool) or getattr(v, "dtype", None) == bool:  # numpy's too: words, as on the page
            ajouter(OUI_NON[bool(v)])
        elif excel is not None and isinstance(v, (int, float)):
            t = textes[i]
            if t not in lus:
                lus[t] = formats.nombre_du_texte(t)
            ajouter(_comme_la_page(v, t, lus[t]))
        elif isinstance(v, (int, float)):
            x = v.item() if hasattr(v, "item") else v
            ajouter(x + 0.0 if isinstance(x, float) else x)  # never « -0 » (−0.0 + 0.0 is 0.0)
        else:
            ajouter(str(v))
    return excel, colonne


def _textes(valeurs: list, manquants: list[bool], fmt: Callable) -> list[str | None]:
    """The page's text of each value of a column (None when missing), formatted once per distinct value."""
    vus: dict[tuple[type, object], str] = {}
    out: list[str | None] = []
    for v, m in zip(valeurs, manquants, strict=True):
        if m:
            out.append(None)
            continue
        cle = (type(v), v)
        if cle not in vus:
            vus[cle] = str(fmt(v))
        out.append(vus[cle])
    return out


def _comme_la_page(v, texte: str, shown: float | None = None) -> int | float:
    """The number a page's text shows (`35 %` → 0.35), an integer for a whole count; `v` when no number.
    `shown`: `formats.nombre_du_texte(texte)` when the caller has it."""
    shown = formats.nombre_du_texte(texte) if shown is None else shown
    if shown is None:
        return v.item() if hasattr(v, "item") else v
    return int(shown) if float(shown).is_integer() and float(v).is_integer() else shown


def nom_feuille(nom: str) -> str:
    """A table's sheet name in the workbook (Excel forbids `[]:*?/\\` and allows 31 characters)."""
    return re.sub(r"[\[\]:*?/\\]", "_", nom)[:31]


#: The one cell of the workbook of a report that publishes no table.
SANS_TABLEAU = "Ce rapport ne publie aucun tableau : sa page dit pourquoi."


def classeur_excel(feuilles: dict[str, Feuille]) -> bytes:
    """A workbook with one sheet per table (`Rapport.classeur`): French headers in bold, frozen; numbers
    stored as numbers with their French display format (Excel shows `7,3 %`, `3 058 244 €` in French).

    Written directly as SpreadsheetML (what openpyxl writes, without its per-cell objects: a large city's
    25 000 digital budget lines take a fraction of a second instead of seconds), in a zip whose entries carry a
    fixed date, so that the same tables give the same bytes. Read back with openpyxl in the tests."""
    if not feuilles:  # a report that publishes no table (below its secrecy threshold) still has its workbook
        feuilles = {"Rapport": Feuille("Rapport", ["Information"], [None], [[SANS_TABLEAU]])}
    formats_excel = sorted({fmt for f in feuilles.values() for fmt in f.formats if fmt})
    styles = {fmt: i for i, fmt in enumerate(formats_excel, start=2)}  # 0: default, 1: bold header
    noms = [nom_feuille(n) for n in feuilles]
    partagees: dict[str, int] = {}  # each distinct text once, in xl/sharedStrings.xml (as Excel writes it)
    feuilles_xml = [_feuille_xml(f, styles, partagees) for f in feuilles.values()]
    fichiers = {
        "[Content_Types].xml": _XML + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(noms) + 1))
            + "</Types>"),
        "_rels/.rels": _XML + (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": _XML + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><bookViews><workbookView activeTab="0"/></bookViews>'
            "<sheets>" + "".join(f'<sheet name="{_x(n)}" sheetId="{i}" r:id="rId{i}"/>'
                                 for i, n in enumerate(noms, start=1)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": _XML + (
            f'<Relationships xmlns="{_RELS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(noms) + 1))
            + f'<Relationship Id="rId{len(noms) + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{len(noms) + 2}" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/styles.xml": _styles(formats_excel),
        "xl/sharedStrings.xml": _XML + (
            f'<sst xmlns="{_MAIN}" count="{len(partagees)}" uniqueCount="{len(partagees)}">'
            + "".join(f"<si><t{_espace(t)}>{t}</t></si>" for t in partagees) + "</sst>"),
    }
    for i, xml in enumerate(feuilles_xml, start=1):
        fichiers[f"xl/worksheets/sheet{i}.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for nom, texte in fichiers.items():
            octets = texte.encode("utf-8")
            z.writestr(zipfile.ZipInfo(nom, date_time=(1980, 1, 1, 0, 0, 0)), octets,
                       compress_type=zipfile.ZIP_DEFLATED, compresslevel=_niveau(len(octets)))
    return out.getvalue()


#: A part of the workbook this large (a sheet of every budget line of a large city: 11 Mo of XML) is deflated at
#: `NIVEAU_GRAND`: three times faster than level 6 (0,15 s less on the run's critical path, where the pages wait for
#: the workbook's size), for a file a fifth larger (1,6 Mo instead of 1,35: the audit page that lists the same lines
#: weighs 9 Mo); every other part at level 6, as before
GRAND = 2**20
NIVEAU_GRAND = 2


def _niveau(octets: int) -> int:
    return NIVEAU_GRAND if octets >= GRAND else 6


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: Excel's built-in number formats (an id instead of a format code of the workbook's own)
_FORMATS_INTEGRES = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
#: What XML 1.0 cannot hold (openpyxl refuses it too)
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def _x(texte: str) -> str:
    """Text as XML character data or attribute value."""
    if _ILLEGAL.search(texte):
        raise ValueError("caractère de contrôle impossible dans un classeur Excel")
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _styles(formats_excel: list[str]) -> str:
    """The workbook's styles: the default font, bold (headers), one cell style per number format."""
    propres = [f for f in formats_excel if f not in _FORMATS_INTEGRES]
    ids = {f: _FORMATS_INTEGRES.get(f) or 164 + propres.index(f) for f in formats_excel}
    num = (f'<numFmts count="{len(propres)}">' + "".join(
        f'<numFmt numFmtId="{ids[f]}" formatCode="{_x(f)}"/>' for f in propres) + "</numFmts>") if propres else ""
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>']
    xfs += [f'<xf numFmtId="{ids[f]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for f in formats_excel]
    return _XML + (
        f'<styleSheet xmlns="{_MAIN}">{num}'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _espace(texte: str) -> str:
    """The attribute that keeps a text's leading or trailing spaces."""
    return ' xml:space="preserve"' if texte[:1].isspace() or texte[-1:].isspace() else ""


def _cellule(ref: str, v: object, style: int, partagees: dict[str, int]) -> str:
    s = f' s="{style}"' if style else ""
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int):
        return f'<c r="{ref}"{s}><v>{v}</v></c>'
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("nombre infini ou indéfini impossible dans un classeur Excel")
        return f'<c r="{ref}"{s}><v>{v!r}</v></c>'
    texte = _x(str(v))
    return f'<c r="{ref}"{s} t="s"><v>{partagees.setdefault(texte, len(partagees))}</v></c>'


def _feuille_xml(f: Feuille, styles: dict[str, int], partagees: dict[str, int]) -> str:
    """One worksheet: headers in bold, frozen below them; each column as wide as its longest text (at most 60)
    and its cells in the column's number format."""
    n = len(f.colonnes)
    lettres = [lettre(j) for j in range(n)]
    style = [styles.get(fmt, 0) if fmt else 0 for fmt in f.formats]
    rangs = ['<row r="1">' + "".join(_cellule(f"{lettres[j]}1", str(c), 1, partagees) for j, c in enumerate(f.colonnes))
             + "</row>"]
    larges = [len(str(c)) for c in f.colonnes]
    if f.codes is not None:  # a coded sheet: each distinct cell's XML once, each row its references
        rangs += _rangs_codes(f, style, larges, partagees)
    # each column's distinct values written once (a large city's 25 000 budget lines repeat their codes and labels):
    # the XML after the cell's reference and the width of its text, met in the order of the cells, so that the
    # shared strings are numbered as a cell-by-cell pass numbers them
    vus: list[dict] = [{} for _ in range(n)]
    for i, ligne in enumerate(f.lignes, start=2):
        cellules = []
        for j, v in enumerate(ligne):
            cle = (type(v), v, math.copysign(1.0, v) if isinstance(v, float) else 0)  # 1 ≠ 1.0 ≠ True, −0.0 ≠ 0.0
            try:
                suite = vus[j][cle]
            except KeyError:  # also NaN (never equal to itself), which `_cellule` refuses
                suite = vus[j][cle] = _cellule("", v, style[j], partagees)[len('<c r=""'):]
                if v is not None:  # an empty cell is not written: it widens nothing
                    larges[j] = max(larges[j], len(str(v)))
            cellules.append(f'<c r="{lettres[j]}{i}"{suite}' if suite else "")
        rangs.append(f'<row r="{i}">' + "".join(cellules) + "</row>")
    largeurs = [min(60, w + 2) for w in larges]
    cols = "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in enumerate(largeurs, 1))
    fin = f"{lettres[-1]}{f.nombre_de_lignes + 1}" if n else "A1"
    return _XML + (
        f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:{fin}"/><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        f'<sheetData>{"".join(rangs)}</sheetData></worksheet>')


def _rangs_codes(f: Feuille, style: list[int], larges: list[int], partagees: dict[str, int]) -> list[str]:
    """The rows of a coded sheet (`feuille_codee`): the XML of each distinct cell written once, column by column
    (its shared strings numbered in that order), then every row from its codes, a column at a time: no cell is
    looked at one by one. Each row's cells follow one another, so neither a row nor a cell names its reference
    (`r`, optional in ECMA-376's schema, `CT_Row` and `CT_Cell`: a reader counts rows and cells, as openpyxl's and
    LibreOffice's do) and an empty cell is written empty (`<c/>`), which keeps the next in its column; a large
    city's 350 000 cells then cost no text each (the workbook 0,5 Mo, from 1,8). `larges` is widened to each
    column's longest text."""
    n = len(f.distinctes)
    colonnes = []
    for j, (distinctes, codes) in enumerate(zip(f.distinctes, f.codes, strict=True)):
        suites = [_cellule("", v, style[j], partagees)[len('<c r=""'):] for v in distinctes]
        larges[j] = max([larges[j], *(len(str(v)) for v in distinctes if v is not None)])
        # each row opened by its first cell and closed by its last: the rows are one join of every cell in order
        cellules = [("<row>" if j == 0 else "") + (f"<c{s}" if s else "<c/>") + ("</row>" if j == n - 1 else "")
                    for s in suites]
        colonnes.append(list(map(cellules.__getitem__, codes)))
    return ["".join(chain.from_iterable(zip(*colonnes, strict=True)))] if colonnes else []


def _nombre_csv(v: float | int, fmt: str | None) -> str:
    """A number as French Excel reads it from a CSV file, at the precision its Excel format (the page's) shows:
    decimal comma, no thousands separator, a share as `7,3%`; a number without format keeps its digits."""
    if fmt is None:
        return str(v).replace(".", ",")
    m = re.match(r"[#,0]*0(?:\.(0+))?", fmt)
    decimales = len(m.group(1) or "") if m else 0
    if fmt.endswith("%"):
        return f"{arrondi.arrondi(v, decimales, arrondi.CENT):f}".replace(".", ",") + "%"
    return f"{arrondi.arrondi(v, decimales):f}".replace(".", ",")


def csv_feuille(feuille: Feuille) -> bytes:
    """One sheet of the workbook as a CSV file French Excel opens in columns (UTF-8 with a byte-order mark, `;`,
    CRLF): the page's column titles, « oui »/« non », numbers at the precision the page shows them (full
    precision stays in figures.csv and data/processed/)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(feuille.colonnes)
    for ligne in feuille.rangees():
        w.writerow(["" if v is None else OUI_NON[v] if isinstance(v, bool)
                    else _nombre_csv(v, fmt) if isinstance(v, (int, float)) else str(v)
                    for v, fmt in zip(ligne, feuille.formats, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def feuilles_du_classeur(contenu: bytes, noms: Collection[str] | None = None) -> dict[str, Feuille]:
    """The sheets of a workbook `classeur_excel` wrote, read back (sheet name → Feuille): headers, values and
    the number format of each column. `noms`: only these sheets (the others are not even parsed)."""
    import openpyxl  # slow to import: only when the site is written

    wb = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True)
    feuilles = {}
    try:
        for ws in wb.worksheets:
            if noms is not None and ws.title not in noms:
                continue
            rangs = list(ws.iter_rows())
            colonnes = [c.value for c in rangs[0]] if rangs else []
            formats_excel = []
            for j in range(len(colonnes)):
                cellules = [r[j] for r in rangs[1:] if j < len(r) and r[j].value is not None]
                fmt = cellules[0].number_format if cellules else "General"
                formats_excel.append(None if fmt == "General" else fmt)
            lignes = [[c.value for c in r] for r in rangs[1:]]
            feuilles[ws.title] = Feuille(ws.title, [str(c) for c in colonnes], formats_excel, lignes)
    finally:
        wb.close()
    return feuilles


def valeurs_classeur(contenu: bytes) -> dict[str, tuple[list[str | None], list[list[object]]]]:
    """{sheet name: (number format of each column, data rows)} of a workbook `classeur_excel` wrote."""
    import openpyxl  # slow to import: only when the site is written

    wb = openpyxl.load_workbook(io.BytesIO(contenu), data_only=True)
    out = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(min_row=2))
        fmts = [c.number_format if c.number_format != "General" else None for c in rows[0]] if rows else []
        out[ws.title] = (fmts, [[c.value for c in r] for r in rows])
    return out


def csv_excel(texte: str, feuille: tuple[list[str | None], list[list[object]]] | None = None) -> bytes:
    """A processed table (UTF-8, `,`, `.` decimal) as French Excel opens it in columns: UTF-8 with a
    byte-order mark (so « numérique » reads right), `;` between fields, decimal comma, CRLF line ends.
    With the table's workbook sheet (`valeurs_classeur`), a number the page shows with its own precision
    is written as the sheet holds it, i.e. as the page prints it (`0,0731` shown `7,3 %` → `0,073`)."""
    fmts, lignes = feuille or ([], [])
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, row in enumerate(csv.reader(io.StringIO(texte))):
        cells = []
        for j, v in enumerate(row):
            if _NOMBRE_OU_ENTIER.fullmatch(v) and i >= 1 and j < len(fmts) and fmts[j] and i - 1 < len(lignes):
                shown = lignes[i - 1][j] if j < len(lignes[i - 1]) else None
                if isinstance(shown, (int, float)) and not isinstance(shown, bool):
                    v = _texte_nombre(shown)
            cells.append(v.replace(".", ",") if _NOMBRE.fullmatch(v) else v)
        w.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _texte_nombre(x: float) -> str:
    """`0.35`, `3058244`: a number in its shortest form, `.` decimal (no exponent for a small share)."""
    if float(x).is_integer():
        return str(int(x))
    return format(Decimal(repr(float(x))), "f")


_NOMBRE = re.compile(r"[+-]?\d+\.\d+")
_NOMBRE_OU_ENTIER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


