"""Scoring sheets: the blank sheet members fill in, and reading back what they return.

`ecrire` writes the blank sheet (.xlsx with « Notes », « Pondération » and « Grille », or the
« Notes » header alone as .csv). `lire_notes` and `lire_ponderations` read what comes back — the
.xlsx, the .csv as written, or as Excel saves it — in wide (one row per member) or long
(`repondant,critere,note`) layout. Member names are replaced by pseudonyms right after reading and
comments are dropped: neither ever leaves this module. Messages about a sheet name the line, the
member number and the column (by letter, or by the grid's own criterion title), never a cell's text:
a shifted column or a missing header row would otherwise put a name or a comment on the terminal,
the index and the state file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import config, donnees, framaforms
from .erreurs import ErreurDonnees, Probleme
from .fichiers import chemin_sortie, ecrire_atomique
from .lecture import Format, Tableau, cle, cles, lettre, ouvrir
from .lecture.titres import DEBUTS_FORMULE

COLONNE_MEMBRE = "Membre"
ABSTENTION = "NSPP"
FEUILLE_NOTES, FEUILLE_POIDS, FEUILLE_GRILLE = "Notes", "Pondération", "Grille"
LIGNES_VIERGES = 40


#: Column titles, members' names and abstentions are compared by the reading layer's one normaliser.
_cle, _cles = cle, cles


def _critere_inconnu(nom: str, i: int, criteres: pd.DataFrame) -> Probleme:
    """A header cell that names no criterion of the grid: named by its column letter, never quoted."""
    return Probleme(nom, "titre de critère inconnu", ligne=1, colonne=_lettre(i),
                    conseil="critères de la grille : " + ", ".join(criteres["titre"]))


_lettre = lettre


def titre_commentaire(titre: str) -> str:
    return f"Commentaire – {titre}"


def colonnes_notes(criteres: pd.DataFrame) -> list[str]:
    cols = [COLONNE_MEMBRE]
    for titre in criteres["titre"]:
        cols += [titre, titre_commentaire(titre)]
    return cols


# ----------------------------------------------------------------------------- writing

def ecrire(sortie: str | Path, criteres: pd.DataFrame | None = None, niveaux: pd.DataFrame | None = None,
           force: bool = False) -> Path:
    """Write a blank scoring sheet: `.xlsx` (three sheets) or `.csv` (the « Notes » header)."""
    path = chemin_sortie(sortie, force)
    criteres = criteres if criteres is not None else donnees.charger("grille_criteres").sort_values("ordre")
    niveaux = niveaux if niveaux is not None else donnees.charger("grille_niveaux")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow([_texte_csv(c) for c in colonnes_notes(criteres)])
        ecrire_atomique(path, "\ufeff" + out.getvalue())  # BOM: Excel then opens the accents right
    else:
        buf = io.BytesIO()
        _classeur(criteres, niveaux).save(buf)
        ecrire_atomique(path, buf.getvalue())
    return path


_DEBUTS_FORMULE = DEBUTS_FORMULE


def _texte_csv(texte: str) -> str:
    """A CSV cell that Excel shows as text, never evaluates (a leading apostrophe, removed on reading)."""
    return "'" + texte if texte.startswith(_DEBUTS_FORMULE) else texte


def _en_texte(*feuilles) -> None:
    """Every text cell stored as text: a title beginning with `=` is not a live formula."""
    for ws in feuilles:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def _classeur(criteres: pd.DataFrame, niveaux: pd.DataFrame):
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = FEUILLE_NOTES
    cols = colonnes_notes(criteres)
    ws.append(cols)
    _en_texte(ws)
    last = LIGNES_VIERGES + 1
    dv = DataValidation(
        type="list",
        formula1='"0,1,2,3,4,NSPP"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Note invalide",
        error="Choisissez une note de 0 à 4, ou NSPP (ne se prononce pas).",
        promptTitle="Note de 0 à 4",
        prompt="0 Absent · 1 Insuffisant · 2 Acceptable · 3 Satisfaisant · "
        "4 Exemplaire · NSPP : ne se prononce pas (laisser vide revient au même)",
        showInputMessage=True,
    )
    ws.add_data_validation(dv)
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
        letter = get_column_letter(i)
        if i == 1:
            ws.column_dimensions[letter].width = 24
        elif c.startswith("Commentaire"):
            ws.column_dimensions[letter].width = 30
        else:
            ws.column_dimensions[letter].width = 16
            dv.add(f"{letter}2:{letter}{last}")
    ws.row_dimensions[1].height = 60
    ws.freeze_panes = "B2"

    wp = wb.create_sheet(FEUILLE_POIDS)
    titles = list(criteres["titre"])
    wp.append([COLONNE_MEMBRE] + titles + ["Total (doit faire 100)"])
    _en_texte(wp)  # before the Total formulas, which are meant
    dvp = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        error="Un nombre entier de points, de 0 à 100.",
    )
    wp.add_data_validation(dvp)
    n = len(titles)
    for row in range(2, last + 1):
        total_cell = wp.cell(row=row, column=n + 2)
        total_cell.value = (
            f'=IF(COUNTA(B{row}:{get_column_letter(n + 1)}{row})=0,"",SUM(B{row}:{get_column_letter(n + 1)}{row}))'
        )
        total_cell.font = bold
    for i in range(1, n + 3):
        c = wp.cell(row=1, column=i)
        c.font, c.fill, c.alignment = bold, head_fill, wrap
        wp.column_dimensions[get_column_letter(i)].width = 24 if i == 1 else 16
    dvp.add(f"B2:{get_column_letter(n + 1)}{last}")
    wp.row_dimensions[1].height = 60
    wp.freeze_panes = "B2"

    wg = wb.create_sheet(FEUILLE_GRILLE)
    wg.append(["Critère", "Question", "Ce qu'on évalue (1)", "(2)", "(3)", "(4)"])
    for _, c in criteres.iterrows():
        wg.append([c["titre"], c["question"], c["point_1"], c["point_2"], c["point_3"], c["point_4"]])
    wg.append([])
    wg.append(["Note", "Niveau", "Description"])
    for _, lv in niveaux.iterrows():
        wg.append([int(lv["note"]), lv["libelle"], lv["description"]])
    wg.append([ABSTENTION, "Ne se prononce pas", "Abstention : la case vide compte de même ; ce n'est jamais un 0."])
    for col, width in zip("ABCDEF", (30, 50, 32, 32, 32, 32), strict=False):
        wg.column_dimensions[col].width = width
    for row in wg.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for cell in wg[1]:
        cell.font, cell.fill = bold, head_fill
    _en_texte(wg)
    return wb


# ----------------------------------------------------------------------------- reading


def _lecture(chemin: Path, feuille: str) -> Tableau:
    """The sheet `feuille` of a workbook (its first sheet when it has none of that name), or the CSV; a member's
    name or comment is personal: never quoted, and every one handed to the run's last scan."""
    tableau = ouvrir(chemin, Format(feuille=feuille, personnel=True))
    tableau.signaler([i for i, h in enumerate(tableau.entete) if i == 0 or _est_commentaire(h)])
    return tableau


def _colonnes_criteres(criteres: pd.DataFrame) -> dict[str, str]:
    """{normalised header: criterion id} for ids and French titles."""
    m = {}
    for _, c in criteres.iterrows():
        m[_cle(c["critere"])] = c["critere"]
        m[_cle(c["titre"])] = c["critere"]
    return m


def _est_commentaire(col: str) -> bool:
    return _cle(col).startswith(("commentaire", "comment"))


def _note(text: str) -> float | None | str:
    """A score 0–4, None for an abstention, or the invalid text."""
    t = text.strip()
    if t == "" or _cle(t).replace(".", "").replace(" ", "") in ("nspp", "nsp"):
        return None
    if re.fullmatch(r"[0-4]", t) or re.fullmatch(r"[0-4][.,]0+", t):
        return float(t[0])
    return t


def lire_notes(chemin: str | Path, criteres: pd.DataFrame) -> pd.DataFrame:
    """Members × criteria scores (float, NaN = abstention), members pseudonymised, comments dropped; how the file
    was read, in French, in `.attrs["lecture"]` (the audit page's « Lu comme »).

    Raises `ErreurDonnees` naming file, row (line and member number, never the name) and criterion. A Framaforms
    (Drupal Webform 7.x-4.x) export, recognised by its shape when the file is no sheet of notes, is read by
    `framaforms.lire_grille` (drafts left out, pseudonyms pseudonymised again).
    """
    chemin = config.resolve(chemin)
    try:
        lecture = _lecture(chemin, FEUILLE_NOTES)
    except ErreurDonnees:
        export = framaforms.ouvrir_export(chemin)
        if export is None:
            raise
        return _lu_comme(framaforms.lire_grille(export, criteres))
    notes = _lire_feuille_notes(chemin, lecture, criteres)
    if isinstance(notes, framaforms.ExportGrille):
        return _lu_comme(notes)
    notes.attrs["lecture"] = lecture.description(feuille=True)
    return notes


def _lu_comme(export: framaforms.ExportGrille) -> pd.DataFrame:
    export.notes.attrs["lecture"] = export.lecture
    return export.notes


def _lire_feuille_notes(chemin: Path, lecture: Tableau, criteres: pd.DataFrame
                        ) -> pd.DataFrame | framaforms.ExportGrille:
    """A sheet of notes read, or the Framaforms export the file turns out to be (its header is no sheet's)."""
    nom = config.display_path(chemin)
    header = [h for h in lecture.entete]
    keys = [_cle(h) for h in header]
    if keys[:3] == ["repondant", "critere", "note"]:
        return _lire_long(lecture, criteres, nom)
    by_col = _colonnes_criteres(criteres)
    problems: list[Probleme] = []
    if not header or _cle(header[0]) not in (_cle(COLONNE_MEMBRE), "repondant", "membre", "nom"):
        problems.append(
            Probleme(
                nom,
                f"la première colonne doit être « {COLONNE_MEMBRE} » (le nom du membre) ; "
                "la ligne d'en-tête manque peut-être",
                ligne=1,
                colonne=_lettre(0) if header else None,
                conseil="partez d'une feuille vierge : cln-analysis template grille -o notes.xlsx",
            )
        )
    crit_cols: dict[int, str] = {}
    for i, h in enumerate(header[1:], start=1):
        if _est_commentaire(h) or h == "":
            continue
        cid = by_col.get(_cle(h))
        if cid is None:
            problems.append(_critere_inconnu(nom, i, criteres))
        elif cid in crit_cols.values():
            problems.append(Probleme(nom, "critère en double", ligne=1, colonne=_lettre(i)))
        else:
            crit_cols[i] = cid
    if problems:
        export = framaforms.ouvrir_export(chemin)  # not a sheet of notes: a Framaforms export, by its shape?
        if export is not None:
            return framaforms.lire_grille(export, criteres)
        raise ErreurDonnees(problems)
    titres = dict(zip(criteres["critere"], criteres["titre"], strict=True))
    notes = _notes_sans_probleme(lecture, crit_cols, list(criteres["critere"]))
    if notes is not None:
        return _pseudonymiser(notes)
    # some row is wrong: the row by row reading below names each problem
    rows, names, seen = [], [], {}
    member_no = 0
    for ligne, cells in lecture.lignes:
        name = cells[0].strip()
        values = {cid: cells[i] for i, cid in crit_cols.items()}
        if not name and not any(v.strip() for v in values.values()):
            continue  # a blank row of the template
        member_no += 1
        who = f"membre n° {member_no}"
        if not name:
            problems.append(
                Probleme(
                    nom,
                    f"notes sans nom de membre ({who})",
                    ligne=ligne,
                    colonne=_lettre(0),
                    conseil="écrivez le nom (ou un pseudonyme) du membre",
                )
            )
            continue
        k = _cle(name)
        if k in seen:
            problems.append(
                Probleme(
                    nom,
                    f"membre en double ({who}, déjà ligne {seen[k]})",
                    ligne=ligne,
                    colonne=_lettre(0),
                    conseil="une seule ligne par membre",
                )
            )
            continue
        seen[k] = ligne
        row = {}
        for i, cid in crit_cols.items():
            v = _note(cells[i])
            if isinstance(v, str):
                problems.append(
                    Probleme(
                        nom,
                        f"cette case n'est pas une note ({who}, critère « {titres[cid]} »)",
                        ligne=ligne,
                        colonne=_lettre(i),
                        conseil="une note entière de 0 à 4, ou NSPP / case vide pour une abstention",
                    )
                )
                v = None
            row[cid] = np.nan if v is None else v
        rows.append(row)
        names.append(name)
    if problems:
        raise ErreurDonnees(problems)
    if not rows:
        raise ErreurDonnees(Probleme(nom, "aucun membre n'a rempli la feuille", ligne=2))
    return _pseudonymiser(pd.DataFrame(rows, columns=list(criteres["critere"])))


def _notes_sans_probleme(lecture, crit_cols: dict[int, str], ordre: list[str]) -> pd.DataFrame | None:
    """The members × criteria scores of a wide sheet, read column-wise (no Python loop per row: each distinct
    cell text is read once by `_note`), or None when some row has a problem (no name, a member twice, a cell
    that is not a score): the row by row reading then names every problem."""
    if not lecture.lignes:
        return None
    cells = np.array([c for _, c in lecture.lignes], dtype=object)
    names, texts = cells[:, 0], cells[:, list(crit_cols)]
    keep = (names != "") | (texts != "").any(axis=1)  # a blank row of the template is skipped
    names, texts = names[keep], texts[keep]
    if len(names) == 0 or (names == "").any() or _cles(pd.Series(names)).duplicated().any():
        return None
    codes, distincts = pd.factorize(texts.ravel())
    lues = [_note(t) for t in distincts]  # a handful: 0 to 4, NSPP, empty
    if any(isinstance(v, str) for v in lues):
        return None
    valeurs = np.array([np.nan if v is None else v for v in lues], dtype=float)
    scores = pd.DataFrame(valeurs[codes].reshape(texts.shape), columns=[crit_cols[i] for i in crit_cols])
    return scores.reindex(columns=ordre)


def _lire_long(lecture, criteres: pd.DataFrame, nom: str) -> pd.DataFrame:
    by_col = _colonnes_criteres(criteres)
    problems, records, members = [], {}, {}
    for ligne, cells in lecture.lignes:
        name, crit, text = cells[0].strip(), cells[1].strip(), cells[2]
        if not name:
            problems.append(Probleme(nom, "ligne sans répondant", ligne=ligne, colonne="repondant"))
            continue
        no = members.setdefault(_cle(name), len(members) + 1)
        cid = by_col.get(_cle(crit))
        if cid is None:
            problems.append(
                Probleme(
                    nom,
                    f"critère inconnu (membre n° {no})",
                    ligne=ligne,
                    colonne="critere",
                    conseil="critères de la grille : " + ", ".join(criteres["titre"]),
                )
            )
            continue
        if (no, cid) in records:
            problems.append(
                Probleme(
                    nom, f"note en double pour ce membre et ce critère (membre n° {no})", ligne=ligne, colonne="note"
                )
            )
            continue
        v = _note(text)
        if isinstance(v, str):
            problems.append(
                Probleme(
                    nom,
                    f"cette case n'est pas une note (membre n° {no})",
                    ligne=ligne,
                    colonne="note",
                    conseil="une note entière de 0 à 4, ou NSPP / vide pour une abstention",
                )
            )
            continue
        records[(no, cid)] = np.nan if v is None else v
    if problems:
        raise ErreurDonnees(problems)
    if not members:
        raise ErreurDonnees(Probleme(nom, "aucune note dans le fichier", ligne=2))
    df = pd.DataFrame(np.nan, index=range(1, len(members) + 1), columns=list(criteres["critere"]))
    for (no, cid), v in records.items():
        df.loc[no, cid] = v
    return _pseudonymiser(df.reset_index(drop=True))


def _pseudonymiser(df: pd.DataFrame) -> pd.DataFrame:
    """Replace row identity by `M0001`…: names never leave this module."""
    numeros = pd.Series(np.arange(1, len(df) + 1)).astype(str).str.zfill(4)
    df.index = pd.Index("M" + numeros, name="membre")
    return df.astype(float)


def lire_ponderations(chemin: str | Path, criteres: pd.DataFrame) -> pd.DataFrame:
    """Members × criteria points (each row shares 100 points), pseudonymised; blank rows skipped."""
    chemin = config.resolve(chemin)
    lecture = _lecture(chemin, FEUILLE_POIDS)
    nom = config.display_path(chemin)
    by_col = _colonnes_criteres(criteres)
    header = lecture.entete
    problems, crit_cols = [], {}
    for i, h in enumerate(header[1:], start=1):
        if _cle(h).startswith("total") or h == "" or _est_commentaire(h):
            continue
        cid = by_col.get(_cle(h))
        if cid is None:
            problems.append(_critere_inconnu(nom, i, criteres))
        else:
            crit_cols[i] = cid
    missing = set(criteres["critere"]) - set(crit_cols.values())
    if missing and not problems:
        absents = "critère absent" if len(missing) == 1 else "critères absents"
        problems.append(Probleme(nom, f"{absents} : " + ", ".join(sorted(missing)), ligne=1))
    if problems:
        raise ErreurDonnees(problems)
    rows = []
    for ligne, cells in lecture.lignes:
        values = {cid: cells[i].strip() for i, cid in crit_cols.items()}
        if not any(values.values()):
            continue
        no = len(rows) + 1
        row = {}
        for i, cid in crit_cols.items():
            t = values[cid].replace(",", ".")
            if t == "":
                row[cid] = 0.0
            elif re.fullmatch(r"\d+(\.\d+)?", t):
                row[cid] = float(t)
            else:
                problems.append(
                    Probleme(
                        nom,
                        f"cette case n'est pas un nombre de points (membre n° {no})",
                        ligne=ligne,
                        colonne=_lettre(i),
                        conseil="un nombre de points de 0 à 100",
                    )
                )
        if len(row) == len(crit_cols) and abs(sum(row.values()) - 100) > 0.5:
            problems.append(
                Probleme(
                    nom,
                    f"les points totalisent {sum(row.values()):g} au lieu de 100 (membre n° {no})",
                    ligne=ligne,
                    conseil="répartissez exactement 100 points entre les critères",
                )
            )
        rows.append(row)
    if problems:
        raise ErreurDonnees(problems)
    if not rows:
        poids = pd.DataFrame(columns=list(criteres["critere"]), dtype=float)
    else:
        poids = _pseudonymiser(pd.DataFrame(rows, columns=list(criteres["critere"])))
    poids.attrs["lecture"] = lecture.description(feuille=True)
    return poids
