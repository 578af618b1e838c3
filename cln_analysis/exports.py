"""Exports of a report's tables: the processed CSV (byte-stable), the CSV French Excel opens in columns, and the
workbook of every table (French headers, numbers stored as numbers with their French display format)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from . import formats
from .sorties import Feuille

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the runner writes workbooks without importing pandas


def tableau_csv(df: pd.DataFrame) -> str:
    """A processed table as CSV text: UTF-8, `,`, `.` decimal, `\\n` line ends, byte-stable."""
    out = io.StringIO()
    df.to_csv(out, index=False, lineterminator="\n", float_format=None)
    return out.getvalue()


def _format_excel(exemple: str) -> str | None:
    """The Excel number format matching a French formatted value (`7,3 %` → `0.0%`), None for text."""
    t = re.sub(r"[\s\u00a0\u202f]", "", exemple).replace("\u2212", "-")
    m = re.fullmatch(r"[+-]?\d+(?:,(\d+))?(%|€)?", t)
    if not m:
        return None
    decimales = "." + "0" * len(m.group(1)) if m.group(1) else ""
    if m.group(2) == "%":
        return f"0{decimales}%"
    return f'#,##0{decimales} "€"' if m.group(2) == "€" else f"#,##0{decimales}"


def feuille_excel(
    df: pd.DataFrame, legende: str, titres: Mapping[str, str], formateurs: Mapping[str, Callable]
) -> Feuille:
    """One table as a workbook sheet: French headers, numbers kept as numbers with the Excel display
    format that matches the page's French format; a column the page shows as words is written as words."""
    colonnes, formats_excel, lignes = [], [], [[] for _ in range(len(df))]
    for c in df.columns:
        valeurs = df[c].tolist()
        fmt = formateurs.get(c)
        exemple = next((v for v in valeurs if not formats.est_manquant(v)), None)
        nombre = isinstance(exemple, (int, float)) and not isinstance(exemple, bool)
        excel = _format_excel(str(fmt(exemple))) if (fmt and exemple is not None and nombre) else None
        texte = fmt is not None and (not nombre or excel is None)
        colonnes.append(str(titres.get(c, c)))
        formats_excel.append(excel)
        for i, v in enumerate(valeurs):
            if formats.est_manquant(v):
                lignes[i].append(None)
            elif texte:
                lignes[i].append(str(fmt(v)))
            elif isinstance(v, (bool, int, float)):
                lignes[i].append(v.item() if hasattr(v, "item") else v)
            else:
                lignes[i].append(str(v))
    return Feuille(legende, colonnes, formats_excel, lignes)


def classeur_excel(feuilles: dict[str, Feuille]) -> bytes:
    """A workbook with one sheet per table (`Rapport.classeur`): French headers in bold, frozen; numbers
    stored as numbers with their French display format (Excel shows `7,3 %`, `3 058 244 €` in French)."""
    import openpyxl  # slow to import: only once a notebook has run
    from openpyxl.styles import Font  # with openpyxl, above

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for nom, f in feuilles.items():
        ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", nom)[:31])
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


def csv_excel(texte: str) -> bytes:
    """A processed table (UTF-8, `,`, `.` decimal) as French Excel opens it in columns: UTF-8 with a
    byte-order mark (so « numérique » reads right), `;` between fields, decimal comma, CRLF line ends."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in csv.reader(io.StringIO(texte)):
        w.writerow([v.replace(".", ",") if _NOMBRE.fullmatch(v) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_NOMBRE = re.compile(r"[+-]?\d+\.\d+")


