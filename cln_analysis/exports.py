"""Exports of a report's tables: the processed CSV (byte-stable), the CSV French Excel opens in columns, and the
workbook of every table (French headers, numbers stored as numbers with their French display format)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from . import arrondi, formats
from .sorties import Feuille

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the runner writes workbooks without importing pandas


def tableau_csv(df: pd.DataFrame) -> str:
    """A processed table as CSV text: UTF-8, `,`, `.` decimal, `\\n` line ends, byte-stable."""
    out = io.StringIO()
    df.to_csv(out, index=False, lineterminator="\n", float_format=None)
    return out.getvalue()


def _format_excel(exemple: str) -> str | None:
    """The Excel number format matching a French formatted value (`7,3 %` → `0.0%`), None for text. The
    thousands separator is kept only when the page shows one: a year, a month or an id the page prints as
    `2023` is `0` in the workbook, never `#,##0` (« 2 023 »)."""
    t = re.sub(r"[\s\u00a0\u202f]", "", exemple).replace("\u2212", "-")
    m = re.fullmatch(r"[+-]?(\d+)(?:,(\d+))?(%|€)?", t)
    if not m:
        return None
    groupes = "#,##0" if len(m.group(1)) < 4 or re.search(r"\d[\s\u00a0\u202f]\d", exemple) else "0"
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
    df: pd.DataFrame, legende: str, titres: Mapping[str, str], formateurs: Mapping[str, Callable]
) -> Feuille:
    """One table as a workbook sheet: French headers, numbers kept as numbers with the Excel display
    format that matches the page's French format; a column the page shows as words is written as words.
    Where the page formats a number, the cell holds the number the page prints (`formats.nombre_du_texte`
    of its text: nearest for a figure, outward for a confidence bound), so that cell and page never differ."""
    colonnes, formats_excel, lignes = [], [], [[] for _ in range(len(df))]
    for c in df.columns:
        valeurs = df[c].tolist()
        fmt = formateurs.get(c)
        premier = next((v for v in valeurs if not formats.est_manquant(v)), None)
        nombre = isinstance(premier, (int, float)) and not isinstance(premier, bool)
        exemple = _plus_grand(valeurs) if nombre else premier
        excel = _format_excel(str(fmt(exemple))) if (fmt and exemple is not None and nombre) else None
        if excel is not None:  # a column whose page shows some cents (`euros_auto`): the format shows them all
            excel = max((_format_excel(str(fmt(v))) or excel for v in valeurs if not formats.est_manquant(v)),
                        key=_decimales_format)
        texte = fmt is not None and (not nombre or excel is None)
        colonnes.append(str(titres.get(c, c)))
        formats_excel.append(excel)
        for i, v in enumerate(valeurs):
            if formats.est_manquant(v):
                lignes[i].append(None)
            elif texte:
                lignes[i].append(str(fmt(v)))
            elif isinstance(v, bool) or getattr(v, "dtype", None) == bool:  # numpy's too: words, as on the page
                lignes[i].append(OUI_NON[bool(v)])
            elif excel is not None and isinstance(v, (int, float)):
                lignes[i].append(_comme_la_page(v, str(fmt(v))))
            elif isinstance(v, (int, float)):
                lignes[i].append(v.item() if hasattr(v, "item") else v)
            else:
                lignes[i].append(str(v))
    return Feuille(legende, colonnes, formats_excel, lignes)


def _comme_la_page(v, texte: str) -> int | float:
    """The number a page's text shows (`35 %` → 0.35), an integer for a whole count; `v` when no number."""
    shown = formats.nombre_du_texte(texte)
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
    stored as numbers with their French display format (Excel shows `7,3 %`, `3 058 244 €` in French)."""
    import openpyxl  # slow to import: only once a notebook has run
    from openpyxl.styles import Font  # with openpyxl, above

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if not feuilles:  # a report that publishes no table (below its secrecy threshold) still has its workbook
        feuilles = {"Rapport": Feuille("Rapport", ["Information"], [None], [[SANS_TABLEAU]])}
    for nom, f in feuilles.items():
        ws = wb.create_sheet(nom_feuille(nom))
        ws.append(f.colonnes)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for ligne in f.lignes:
            ws.append(ligne)
        for j, fmt in enumerate(f.formats, start=1):
            largeur = max([len(str(f.colonnes[j - 1]))] + [len(str(x[j - 1])) for x in f.lignes]) + 2
            ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = min(60, largeur)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    for ligne in feuille.lignes:
        w.writerow(["" if v is None else OUI_NON[v] if isinstance(v, bool)
                    else _nombre_csv(v, fmt) if isinstance(v, (int, float)) else str(v)
                    for v, fmt in zip(ligne, feuille.formats, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def feuilles_du_classeur(contenu: bytes) -> dict[str, Feuille]:
    """The sheets of a workbook `classeur_excel` wrote, read back (sheet name → Feuille): headers, values and
    the number format of each column."""
    import openpyxl  # slow to import: only when the site is written

    wb = openpyxl.load_workbook(io.BytesIO(contenu), read_only=False)
    feuilles = {}
    for ws in wb.worksheets:
        rangs = list(ws.iter_rows())
        colonnes = [c.value for c in rangs[0]] if rangs else []
        formats_excel = []
        for j in range(len(colonnes)):
            cellules = [r[j] for r in rangs[1:] if r[j].value is not None]
            fmt = cellules[0].number_format if cellules else "General"
            formats_excel.append(None if fmt == "General" else fmt)
        lignes = [[c.value for c in r] for r in rangs[1:]]
        feuilles[ws.title] = Feuille(ws.title, [str(c) for c in colonnes], formats_excel, lignes)
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


