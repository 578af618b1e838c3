"""The residents' questionnaire on the callbot: the blank sheet, and reading back what comes in.

`ecrire` writes the blank sheet (.xlsx with « Réponses » and « Consignes », or the header alone as a
`;`-separated UTF-8 CSV with BOM). `lire` reads it back — .xlsx, CSV, or CSV as Excel saves it —
column by column (vectorised: no Python loop per row), checks every answer and returns them as
categories. Comments are counted on reading and their text dropped right away: it never leaves this
module, not even in an error message.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import config
from .erreurs import ErreurDonnees, Probleme
from .fichiers import chemin_sortie, ecrire_atomique
from .lecture import Format, cles, lettre, ouvrir
from .retours import COLONNE_COMMENTAIRE, COLONNES_FICHIER, QUESTIONS

FEUILLE_REPONSES, FEUILLE_CONSIGNES = "Réponses", "Consignes"
LIGNES_VIERGES = 200
#: Columns the file must have (the comment column may be left out).
OBLIGATOIRES = tuple(c for c in COLONNES_FICHIER if c != COLONNE_COMMENTAIRE)

CONSIGNES = (
    "Une ligne par habitant. Une question laissée vide vaut « pas de réponse » : elle ne compte pas dans les parts "
    "de cette question.",
    "Écrivez les réponses comme dans les listes (les majuscules et les espaces autour ne comptent pas) : toute autre "
    "réponse est refusée à la lecture, avec la ligne et la colonne à corriger.",
    "La date s'écrit AAAA-MM-JJ (2026-03-05) ; une date Excel, ou JJ/MM/AAAA comme Excel l'enregistre, convient aussi.",
    "Le commentaire n'est jamais publié : le rapport dit seulement combien de commentaires ont été reçus. "
    "N'y écrivez ni nom, ni adresse, ni numéro de téléphone.",
    "Le rapport ne publie rien d'autre que le nombre de réponses tant qu'il y en a moins que le seuil de publication "
    "(5 par défaut).",
)


def reponses_permises(colonne: str) -> str:
    """The allowed answers of a column, in French, as the sheet and the error messages give them."""
    if colonne == "date":
        return "une date AAAA-MM-JJ"
    if colonne == "satisfaction":
        return "un nombre entier de 1 (pas du tout) à 5 (tout à fait)"
    if colonne == COLONNE_COMMENTAIRE:
        return "texte libre, jamais publié"
    return ", ".join(QUESTIONS[colonne].reponses)


# ----------------------------------------------------------------------------- writing

def ecrire(sortie: str | Path, force: bool = False) -> Path:
    """Write a blank questionnaire: `.xlsx` (drop-down lists, « Consignes ») or `.csv` (header only);
    never under data/raw/, an existing file only with `force`."""
    path = chemin_sortie(sortie, force)
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(COLONNES_FICHIER)
        ecrire_atomique(path, "\ufeff" + out.getvalue())  # BOM: French Excel opens it in columns, accents right
    else:
        buf = io.BytesIO()
        _classeur().save(buf)
        ecrire_atomique(path, buf.getvalue())
    return path


def _classeur():
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    last = LIGNES_VIERGES + 1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = FEUILLE_REPONSES
    ws.append(list(COLONNES_FICHIER))
    for i, col in enumerate(COLONNES_FICHIER, start=1):
        q = QUESTIONS[col]
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
        ws.column_dimensions[letter].width = 40 if col == COLONNE_COMMENTAIRE else (14 if col == "date" else 22)
        if q.reponses:
            dv = DataValidation(type="list", formula1='"' + ",".join(q.reponses) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Réponse non prévue",
                                error=f"Réponses possibles : {reponses_permises(col)}. "
                                      "Laissez vide s'il n'y a pas de réponse.",
                                showInputMessage=True, promptTitle=col[:32], prompt=q.texte[:255])
        else:
            dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=col[:32],
                                prompt=(CONSIGNES[3] if col == COLONNE_COMMENTAIRE else CONSIGNES[2])[:255])
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")
    for row in range(2, last + 1):
        ws.cell(row=row, column=1).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    wc = wb.create_sheet(FEUILLE_CONSIGNES)
    wc.append(["Questionnaire des habitants sur le callbot (agent conversationnel) du standard de la Ville"])
    wc["A1"].font = Font(bold=True, size=13)
    for text in CONSIGNES:
        wc.append([text])
    wc.append([])
    head = wc.max_row + 1
    wc.append(["Colonne", "Question", "Réponses possibles"])
    for col, q in QUESTIONS.items():
        wc.append([col, q.texte, reponses_permises(col)])
    for cell in wc[head]:
        cell.font, cell.fill = bold, head_fill
    for col, width in zip("ABC", (80, 60, 60), strict=True):
        wc.column_dimensions[col].width = width
    for row in wc.iter_rows(min_row=head):
        for cell in row:
            cell.alignment = wrap
    wc.column_dimensions["A"].width = 22
    for row in range(2, 2 + len(CONSIGNES)):
        wc.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        wc.cell(row=row, column=1).alignment = wrap
        wc.row_dimensions[row].height = 32
    return wb


# ----------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class Questionnaire:
    """What was read: the answers (no comment), the number of comments, how the file was read."""

    reponses: pd.DataFrame  # one row per respondent, indexed by the file's row number
    commentaires: int
    lecture: str


#: How the questionnaire is read: its « Réponses » sheet; a comment is personal (never quoted, handed to the last
#: scan); a filled column without a title is refused here, by its line, never its text.
FORMAT = Format(feuille=FEUILLE_REPONSES, decimale=".", colonnes_attendues=COLONNES_FICHIER, personnel=True,
                colonnes_sans_titre=True)

#: Titles and answers are compared by the reading layer's one normaliser (case, accents, spaces, final « ? »).
_normaliser = cles


def _valeurs(colonne: str, textes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the answer each text means — NaN/NaT when it means none or is refused —, whether it is empty)."""
    norm = _normaliser(textes)
    empty = (norm == "").to_numpy()
    if colonne == "date":
        iso = norm.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ t]00:00:00)?$", expand=False)
        value = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        fr = norm.where(norm.str.fullmatch(r"\d{2}/\d{2}/\d{4}"))
        value = value.fillna(pd.to_datetime(fr, format="%d/%m/%Y", errors="coerce"))
        return value.to_numpy(), empty
    if colonne == "satisfaction":
        value = norm.str.extract(r"^([1-5])(?:[.,]0+)?$", expand=False)
    else:
        permis = QUESTIONS[colonne].reponses
        value = norm.map(dict(zip(_normaliser(pd.Series(permis, dtype=object)), permis, strict=True)))
    return value.to_numpy(dtype=object), empty



def lire(chemin: str | Path) -> Questionnaire:
    """Read a filled-in questionnaire; every answer checked, comments counted then dropped.

    Raises `ErreurDonnees` naming file, row and column, with the allowed answers, for every answer that
    is not one of them (an empty cell is no answer, and is accepted).
    """
    tableau = ouvrir(config.resolve(chemin), FORMAT)  # blank rows skipped, cells trimmed, lines the file's own
    nom = tableau.nom_feuille
    lecture = tableau.description(feuille=True)
    cells = tableau.cellules()
    # each column factorised once: its distinct texts are read once (filled? which answer?), then spread back
    # to the cells, so the cost follows the number of distinct answers, not of residents
    facteurs = {j: pd.factorize(cells[j].to_numpy(dtype=object)) for j in cells.columns}
    filled = pd.DataFrame({j: (pd.Series(u, dtype=object) != "").to_numpy(dtype=bool)[codes]
                           for j, (codes, u) in facteurs.items()}, index=cells.index)
    header = tableau.entete
    keys = list(_normaliser(pd.Series(header, dtype=object)))
    problems: list[Probleme] = []
    columns: dict[str, int] = {}
    attendues = "colonnes attendues : " + ", ".join(COLONNES_FICHIER)
    ligne_entete = tableau.ligne_entete
    body = filled
    for j, (titre, k) in enumerate(zip(header, keys, strict=True)):
        if k == "":
            if body[j].any():
                problems.append(Probleme(nom, "une colonne remplie n'a pas de titre", ligne=ligne_entete,
                                         conseil=attendues))
        elif k not in COLONNES_FICHIER:
            # by its letter, never by its text: a lost header row makes a resident's answer a title (issue 23)
            problems.append(Probleme(nom, "colonne inconnue", ligne=ligne_entete, colonne=lettre(j), conseil=attendues))
        elif k in columns:
            problems.append(Probleme(nom, "colonne en double", ligne=ligne_entete, colonne=titre))
        else:
            columns[k] = j
    for c in OBLIGATOIRES:
        if c not in columns:
            problems.append(
                Probleme(
                    nom,
                    "colonne obligatoire absente",
                    ligne=ligne_entete,
                    colonne=c,
                    conseil=f"ajoutez-la à la ligne d'en-tête ({', '.join(COLONNES_FICHIER)})",
                )
            )
    if problems:
        raise ErreurDonnees(problems)
    if COLONNE_COMMENTAIRE in columns:
        tableau.signaler([columns[COLONNE_COMMENTAIRE]])  # the comments' text: to the last scan, in memory only

    rows = body.index[body.any(axis=1).to_numpy()]  # blank rows of the template are skipped
    data = cells.loc[rows]
    if len(data) == 0:
        raise ErreurDonnees(
            Probleme(
                nom,
                "aucune réponse sous la ligne d'en-tête",
                ligne=ligne_entete + 1,
                conseil="une ligne par habitant",
            )
        )
    commentaires = 0
    if COLONNE_COMMENTAIRE in columns:
        commentaires = int(filled.loc[rows, columns[COLONNE_COMMENTAIRE]].sum())
    data = data[[columns[c] for c in OBLIGATOIRES]]  # the comments' text goes no further
    data.columns = list(OBLIGATOIRES)

    out = pd.DataFrame(index=pd.Index(data.index.to_numpy(), name="ligne"))
    bad: list[tuple[int, int, Probleme]] = []
    positions = cells.index.get_indexer(rows)
    for pos, c in enumerate(OBLIGATOIRES):
        codes_colonne, uniques = facteurs[columns[c]]
        codes = codes_colonne[positions]
        value_u, empty_u = _valeurs(c, pd.Series(uniques, dtype=object))
        value, empty = value_u[codes], empty_u[codes]
        if c == "date":
            out[c] = pd.to_datetime(value)
        else:
            out[c] = pd.Categorical(value, categories=QUESTIONS[c].reponses)
        isna = pd.isna(value)
        invalid = np.flatnonzero(~empty & isna)
        titre = header[columns[c]]
        for i in invalid:  # only the refused cells
            conseil = f"réponses permises : {reponses_permises(c)} ; une case vide vaut « pas de réponse »"
            if c == "date":
                conseil = "écrivez la date AAAA-MM-JJ (2026-03-05), ou laissez la case vide"
            n = int(data.index[i])
            # the cell's text is never quoted: a shifted column could hold a comment (issue 16's rule)
            bad.append((n, pos, Probleme(nom, "réponse non permise", ligne=n, colonne=titre, conseil=conseil)))
    if bad:
        raise ErreurDonnees([p for _, _, p in sorted(bad, key=lambda t: t[:2])])
    return Questionnaire(out, commentaires, lecture)
