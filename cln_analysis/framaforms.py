"""Framaforms (Drupal Webform 7.x-4.x) results exports: recognised by their shape, read into the same tables
as the questionnaire and the scoring grid, and the French sheets to build the forms right the first time.

An export (page « Téléchargement » of the form's results) is delimited text (every cell quoted; tab, `,`,
`;` or `|`), the legacy Excel text (UTF-16LE with a BOM, tab) or `.xlsx`, with three header rows: the
form's title, « Submission Details » and the names of multi-column components, then the column titles
(labels, or form keys). The submission columns (Serial, SID, times, Draft, IP address, UID, username)
come first. Drafts are left out and counted; the IP address, UID and username (and comments, pseudonyms) are handed
to the run's collector (`lecture.collecte`, for the last scan, in memory) and dropped at reading; no message
ever quotes a cell. Files are opened by the reading layer only (`lecture.ouvrir`, with `FORMAT`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from . import config
from .erreurs import ErreurDonnees, ErreurUsage, Probleme
from .fichiers import ecrire_atomique
from .lecture import Format, Tableau, collecte, ouvrir
from .retours import COLONNE_COMMENTAIRE, COLONNES_FICHIER, QUESTIONS, Question

OBLIGATOIRES = tuple(c for c in COLONNES_FICHIER if c != COLONNE_COMMENTAIRE)
SEPARATEURS = ("\t", ",", ";", "|")
NOMS_SEPARATEURS = {"\t": "tabulation", ",": "virgule", ";": "point-virgule", "|": "barre verticale"}
ABSTENTIONS = ("", "nspp", "nesepprononcepas")


def cle(texte: str) -> str:
    """A title as matched: accents, case and every space ignored, ’ as ', a final « ? » dropped."""
    t = unicodedata.normalize("NFKD", str(texte).replace("\u2019", "'"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = re.sub(r"\s+", "", t).casefold()
    return t[:-1] if t.endswith("?") else t


#: The submission information columns, by the kind of data they hold: Webform's field keys
#: (`webform_results_download_submission_information_info`), its English titles (7.x-4.0's « Time », later
#: « Submitted Time » …) and the French titles of a French interface. Any other `webform_` key is submission
#: information too, never a question.
INFORMATIONS: dict[str, tuple[str, ...]] = {
    "numero": ("webform_serial", "Serial", "Numéro", "N°", "Numéro de série", "Série"),
    "sid": ("webform_sid", "SID"),
    "soumission": ("webform_time", "Time", "Submitted Time", "Submitted", "Date de soumission",
                   "Heure de soumission", "Soumis le", "Envoyé le", "Soumission"),
    "completion": ("webform_completed_time", "Completed Time", "Completed", "Date de complétion",
                   "Heure de complétion", "Terminé le", "Complété le"),
    "modification": ("webform_modified_time", "Modified Time", "Modified", "Date de modification",
                     "Heure de modification", "Modifié le"),
    "brouillon": ("webform_draft", "Draft", "Brouillon"),
    "adresse_ip": ("webform_ip_address", "IP Address", "Adresse IP", "IP"),
    "uid": ("webform_uid", "UID", "Identifiant de l'utilisateur"),
    "nom_utilisateur": ("webform_username", "Username", "Nom d'utilisateur", "Utilisateur", "Nom d'usager"),
}
_INFO = {cle(t): genre for genre, titres in INFORMATIONS.items() for t in titres}
_DETAILS = {cle(t) for t in ("Submission Details", "submission_details", "Détails de la soumission",
                             "Détails de soumission", "Informations de soumission")}
PERSONNELLES = ("adresse_ip", "uid", "nom_utilisateur")


@dataclass(frozen=True)
class Cellules:
    """Every cell of an export as text, each record with the file's line (or the sheet's row) it starts on."""

    lignes: list[tuple[int, list[str]]]
    nom: str  # the file's name as messages quote it
    lecture: str  # how it was read, in French


@dataclass(frozen=True)
class ExportRetours:
    """The questionnaire's table (as `questionnaire.lire` builds it), the comments counted, the drafts left out."""

    reponses: pd.DataFrame
    commentaires: int
    lecture: str
    brouillons: int


@dataclass(frozen=True)
class ExportGrille:
    """Members × criteria scores (as the grid reader builds them, pseudonymised), the drafts left out."""

    notes: pd.DataFrame
    lecture: str
    brouillons: int


def _lettre(j: int) -> str:
    return get_column_letter(j + 1)


# ----------------------------------------------------------------------------- reading the cells

#: How an export is read by the reading layer: three header rows, any of Webform's delimiters, personal cells; in a
#: workbook whose first sheet holds none of Webform's titles (a « Lisez-moi » sheet put before the export), the one
#: sheet that does (`lecture.Format.colonnes_attendues`)
FORMAT = Format(lignes_entete=3, personnel=True, separateurs=SEPARATEURS, colonnes_attendues=tuple(
    t for titres in INFORMATIONS.values() for t in titres) + ("Submission Details", "Détails de la soumission"))


def _lecture(tableau: Tableau) -> str:
    if tableau.format == "xlsx":  # the sheet named when it is not the first (`Tableau.description`)
        return "export Framaforms, " + tableau.description() if tableau.premiere_feuille else \
            "export Framaforms, classeur Excel (.xlsx)"
    how = "Excel ancien (UTF-16LE)" if tableau.encodage == "utf-16-le" else "texte délimité"
    return f"export Framaforms, {how}, séparateur {NOMS_SEPARATEURS[tableau.separateur or chr(9)]}"


def cellules(tableau: Tableau) -> Cellules:
    """The cells of an export the reading layer opened with `FORMAT` (header rows first, with their lines)."""
    premiere = tableau.ligne_entete - len(tableau.entetes) + 1
    tete = [(premiere + i, list(r)) for i, r in enumerate(tableau.entetes)]
    return Cellules(tete + [(n, list(r)) for n, r in tableau.lignes], tableau.nom, _lecture(tableau))


def lire_cellules(chemin: str | Path) -> Cellules:
    """The cells of a file that may be an export (`.xlsx`, UTF-16LE with BOM, UTF-8 delimited text), as the
    reading layer (`lecture.ouvrir`) reads them: the one place this module reaches a file."""
    return cellules(ouvrir(config.resolve(chemin), FORMAT))


def forme_export(lignes: list[list[str]]) -> bool:
    """Whether rows have a Webform export's shape: three header rows, the form's title alone in row 1 and
    « Submission Details » (or its key) under it, or the submission titles in row 3; or, when no submission
    column was exported, an empty first row above the titles."""
    if len(lignes) < 3 or not lignes[0] or not lignes[2]:
        return False
    r1, r2, r3 = lignes[0], lignes[1] + [""], lignes[2]
    if any(c.strip() for c in r1[1:]):
        return False
    if not r1[0].strip():
        return any(c.strip() for c in r3)
    return cle(r2[0]) in _DETAILS or cle(r3[0]) in _INFO or r3[0].strip().startswith("webform_")


def est_export(chemin: str | Path) -> bool:
    """Whether a file is a Framaforms / Webform 7.x-4.x results export (by its shape, never its name)."""
    return ouvrir_export(chemin) is not None


def ouvrir_export(chemin: str | Path) -> Tableau | None:
    """The file read as an export when it has an export's shape, else None (it is then some other table)."""
    try:
        tableau = ouvrir(config.resolve(chemin), FORMAT)
    except ErreurDonnees:
        return None
    return tableau if forme_export([list(r) for r in tableau.entetes]) else None


# ----------------------------------------------------------------------------- the common part

@dataclass
class _Export:
    """An export's header analysed: submission columns, data rows, with drafts already set apart."""

    cells: Cellules
    titres: list[str]  # row 3
    groupes: list[str]  # row 2
    info: dict[str, int]  # kind → column
    donnees: list[tuple[int, list[str]]]  # submitted rows (no draft), padded
    brouillons: int


def _analyser(cells: Cellules) -> _Export:
    nom = cells.nom
    if not forme_export([r for _, r in cells.lignes[:3]]):
        raise ErreurDonnees(Probleme(nom, "ce fichier n'a pas la forme d'un export Framaforms (trois lignes "
                                     "d'en-tête : titre du formulaire, « Submission Details », titres)", ligne=1,
                                     conseil="téléchargez les résultats depuis l'onglet « Téléchargement » du "
                                             "formulaire, sans les retoucher"))
    width = max(len(r) for _, r in cells.lignes)
    pad = [(n, r + [""] * (width - len(r))) for n, r in cells.lignes]
    groupes, titres = pad[1][1], [t.strip() for t in pad[2][1]]
    info: dict[str, int] = {}
    leading = True
    for j, t in enumerate(titres):
        k = cle(t)
        if t.startswith("webform_") or (leading and k in _INFO):
            info.setdefault(_INFO.get(k, t), j)
        else:
            leading = False
    body = [(n, r) for n, r in pad[3:] if any(c.strip() for c in r)]
    for genre in PERSONNELLES:  # handed to the run's last scan, then blanked: they go no further than this loop
        if genre in info:
            collecte.signaler(v for _, r in body if (v := r[info[genre]].strip()))
            for _, r in body:
                r[info[genre]] = ""
    if "brouillon" in info:
        kept = [(n, r) for n, r in body if r[info["brouillon"]].strip() != "1"]
    elif "completion" in info:  # Webform leaves a draft's Completed Time empty
        kept = [(n, r) for n, r in body if r[info["completion"]].strip()]
    else:
        kept = body
    return _Export(cells, titres, groupes, info, kept, len(body) - len(kept))


def _dates(textes: list[str], nom: str, lignes: list[int], colonne: int, quoi: str) -> tuple[list, list[Probleme]]:
    """Dates (time dropped) of ISO or « JJ/MM/AAAA[ - HH:MM] » texts; the day / month order of a column written
    with `/` follows from the values (a first number above 12 is a day, a second one a day); ambiguous → day first
    (Framaforms' French setting)."""
    iso = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")
    slash = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*-?\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
    parts = [slash.match(t.strip()) for t in textes]
    firsts = [int(m.group(1)) for m in parts if m]
    seconds = [int(m.group(2)) for m in parts if m]
    jour_d_abord = not (max(seconds, default=0) > 12 and max(firsts, default=0) <= 12)
    out, problems = [], []
    conseil = ("une date AAAA-MM-JJ ou JJ/MM/AAAA ; dans Framaforms, gardez le format de date du site "
               "ou choisissez l'export Excel (.xlsx)")
    if max(seconds, default=0) > 12 and max(firsts, default=0) > 12:
        return [pd.NaT] * len(textes), [Probleme(nom, f"{quoi} : l'ordre jour / mois change d'une ligne à l'autre",
                                                 colonne=_lettre(colonne), conseil=conseil)]
    for t, m, n in zip(textes, parts, lignes, strict=True):
        t = t.strip()
        value = pd.NaT
        try:
            if t == "":
                pass
            elif mi := iso.match(t):
                value = pd.Timestamp(dt.date(int(mi.group(1)), int(mi.group(2)), int(mi.group(3))))
            elif m:
                a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                d, mo = (a, b) if jour_d_abord else (b, a)
                value = pd.Timestamp(dt.date(y, mo, d))
            else:
                raise ValueError
        except ValueError:
            problems.append(Probleme(nom, f"{quoi} : cette case n'est pas une date", ligne=n,
                                     colonne=_lettre(colonne), conseil=conseil))
        out.append(value)
    return out, problems


def _valeur(texte: str) -> str:
    """An answer as matched (as the questionnaire does): NFC, runs of spaces one space, trimmed, case folded."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", unicodedata.normalize("NFC", texte)).strip().casefold()


def candidats(questions: Iterable[Question]) -> dict[str, set[str]]:
    """Each matching key (a question's form key, its text) → the questions it names."""
    out: dict[str, set[str]] = {}
    for q in questions:
        for t in (q.id, q.texte):
            out.setdefault(cle(t), set()).add(q.id)
    return out


# ----------------------------------------------------------------------------- the residents' questionnaire

def _attendus() -> str:
    return "questions attendues : " + " ; ".join(f"« {q.texte} » (clé {q.id})" for q in QUESTIONS.values())


def _cellules(source: str | Path | Cellules | Tableau) -> Cellules:
    if isinstance(source, Tableau):
        return cellules(source)
    return source if isinstance(source, Cellules) else lire_cellules(source)


def lire_retours(source: str | Path | Cellules | Tableau,
                 questions: dict[str, Question] | None = None) -> ExportRetours:
    """Read a Framaforms export of the residents' questionnaire into the table `questionnaire.lire` returns.

    `source` is a path, or the `Cellules` the reading layer already read. Titles are matched by form key,
    else by question text (`cle`). Selects « Compact » (the label in one column) or « Separate » (one column
    per option, `X` or empty). Raises `ErreurDonnees` naming file, row and column (by letter) for a missing
    question, an unknown column or option, a title naming two questions, two answers to a single choice.
    """
    questions = QUESTIONS if questions is None else questions
    exp = _analyser(_cellules(source))
    nom, titres, groupes = exp.cells.nom, exp.titres, exp.groupes
    par_cle = candidats(questions.values())
    problems: list[Probleme] = []
    simples: dict[str, int] = {}
    separees: dict[str, dict[int, str]] = {}  # question → column → option
    info_cols = set(exp.info.values())

    def trouver(texte: str, j: int, ligne: int) -> str | None:
        found = par_cle.get(cle(texte), set())
        if len(found) > 1:
            problems.append(Probleme(nom, "ce titre correspond à plusieurs questions (" +
                                     ", ".join(f"« {questions[q].texte} »" for q in sorted(found)) + ")",
                                     ligne=ligne, colonne=_lettre(j), conseil="donnez à chaque composant son "
                                     "libellé exact et sa clé du formulaire (voir la fiche Framaforms)"))
            return None
        return next(iter(found), None)

    j = 0
    while j < len(titres):
        if j in info_cols or (titres[j] == "" and groupes[j].strip() == ""):
            j += 1
            continue
        if groupes[j].strip():  # a multi-column component: a select exported « Separate »
            q = trouver(groupes[j], j, 2)
            if q is None:
                if not problems or problems[-1].colonne != _lettre(j):
                    problems.append(Probleme(nom, "composant inconnu", ligne=2, colonne=_lettre(j),
                                             conseil=_attendus()))
                j += 1
                while j < len(titres) and not groupes[j].strip() and titres[j] and cle(titres[j]) not in par_cle:
                    j += 1
                continue
            options = {_valeur(o): o for o in questions[q].reponses}
            cols: dict[int, str] = {}
            while j < len(titres) and (not cols or not groupes[j].strip()) and _valeur(titres[j]) in options \
                    and options[_valeur(titres[j])] not in cols.values():
                cols[j] = options[_valeur(titres[j])]
                j += 1
            # the group's other columns: options the questionnaire does not know (or Webform's « Other… »);
            # refused when some resident ticked one, by letter and with the allowed answers
            while j < len(titres) and (not cols or not groupes[j].strip()) and titres[j] and j not in info_cols \
                    and (not cols or cle(titres[j]) not in par_cle):
                if any(r[j].strip() for _, r in exp.donnees):
                    problems.append(Probleme(nom, f"option inconnue de « {questions[q].texte} »", ligne=3,
                                             colonne=_lettre(j), conseil="réponses permises : " +
                                             ", ".join(questions[q].reponses)))
                j += 1
                if not cols:
                    break
            if not cols:
                continue
            if q in simples or q in separees:
                problems.append(Probleme(nom, "question en double", ligne=2, colonne=_lettre(min(cols))))
            else:
                separees[q] = cols
            continue
        q = trouver(titres[j], j, 3)
        if q is None:
            if not problems or problems[-1].colonne != _lettre(j):
                problems.append(Probleme(nom, "colonne inconnue", ligne=3, colonne=_lettre(j), conseil=_attendus()))
        elif q in simples or q in separees:
            problems.append(Probleme(nom, "question en double", ligne=3, colonne=_lettre(j)))
        else:
            simples[q] = j
        j += 1
    obligatoires = [c for c in questions if c != COLONNE_COMMENTAIRE]
    date_de_soumission = "date" in obligatoires and "date" not in simples and "soumission" in exp.info
    for c in obligatoires:
        if c not in simples and c not in separees and not (c == "date" and date_de_soumission):
            problems.append(Probleme(nom, f"question absente : « {questions[c].texte} » (clé {c})", ligne=3,
                                     conseil="ajoutez ce composant au formulaire (voir la fiche Framaforms), "
                                             "ou cochez-le dans « Composants inclus » de l'export"))
    if problems:
        raise ErreurDonnees(problems)
    rows = exp.donnees
    if not rows:
        raise ErreurDonnees(Probleme(nom, "aucune réponse envoyée dans cet export"
                                     + (f" ({exp.brouillons} brouillons laissés de côté)" if exp.brouillons else ""),
                                     ligne=4))
    lignes = [n for n, _ in rows]
    out = pd.DataFrame(index=pd.Index(lignes, name="ligne"))
    bad: list[Probleme] = []
    commentaires = 0
    if COLONNE_COMMENTAIRE in simples:
        textes = [r[simples[COLONNE_COMMENTAIRE]].strip() for _, r in rows]
        commentaires = sum(1 for t in textes if t)
        collecte.signaler(t for t in textes if t)
        del textes
    for c in obligatoires:
        q = questions[c]
        if c == "date":
            col = simples.get(c, exp.info.get("soumission"))
            quoi = "date de l'appel" if c in simples else "date de soumission"
            values, probs = _dates([r[col] for _, r in rows], nom, lignes, col, quoi)
            bad += probs
            iso = pd.Series([None if pd.isna(v) else v.date().isoformat() for v in values], dtype=object)
            # the same conversion as the questionnaire's (its resolution included)
            out[c] = pd.to_datetime(pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").to_numpy())
            continue
        permis = {_valeur(o): o for o in q.reponses}
        conseil = f"réponses permises : {', '.join(q.reponses)} ; une case vide vaut « pas de réponse »"
        values: list = []
        if c in separees:
            cols = separees[c]
            for n, r in rows:
                marks = [cols[k] for k in cols if r[k].strip()]
                if any(r[k].strip().upper() != "X" for k in cols if r[k].strip()):
                    bad.append(Probleme(nom, f"« {q.texte} » : une case d'option ne contient ni X ni rien", ligne=n,
                                        colonne=_lettre(min(cols)), conseil="X pour l'option choisie, sinon vide"))
                    values.append(None)
                elif len(marks) > 1:
                    bad.append(Probleme(nom, f"deux réponses ou plus à « {q.texte} », question à choix unique",
                                        ligne=n, colonne=_lettre(min(cols)),
                                        conseil="une seule option par habitant : dans le formulaire, faites-en un "
                                                "composant « Boutons radio » (choix unique)"))
                    values.append(None)
                else:
                    values.append(marks[0] if marks else None)
        else:
            j = simples[c]
            for n, r in rows:
                v = _valeur(r[j])
                if v == "":
                    values.append(None)
                elif v in permis:
                    values.append(permis[v])
                elif sum(1 for p in v.split(",") if p.strip() in permis) > 1:
                    bad.append(Probleme(nom, f"deux réponses ou plus à « {q.texte} », question à choix unique",
                                        ligne=n, colonne=_lettre(j), conseil=conseil))
                    values.append(None)
                else:  # the cell is never quoted (issue 23: never by content)
                    bad.append(Probleme(nom, f"réponse non permise à « {q.texte} »", ligne=n, colonne=_lettre(j),
                                        conseil=conseil))
                    values.append(None)
        out[c] = pd.Categorical(values, categories=q.reponses)
    if bad:
        raise ErreurDonnees(sorted(bad, key=lambda p: (p.ligne or 0, p.colonne or "")))
    return ExportRetours(out, commentaires, exp.cells.lecture, exp.brouillons)


# ----------------------------------------------------------------------------- the members' scoring grid

def _niveaux_par_defaut() -> pd.DataFrame:
    return pd.read_csv(config.raw_file("grille_niveaux.csv"), dtype={"note": int, "libelle": str})


def _est_pseudonyme(titre: str) -> bool:
    k = cle(titre)
    return k.startswith("pseudonyme") or k in ("membre", "repondant")


def lire_grille(source: str | Path | Cellules | Tableau, criteres: pd.DataFrame,
                niveaux: pd.DataFrame | None = None) -> ExportGrille:
    """Read a Framaforms export of the members' grid into the members × criteria table of the grid reader.

    A Webform « grid » (or one select per criterion): each criterion's column titled by its title or key,
    each cell a level (0–4, or its label), empty / NSPP / « Ne se prononce pas » an abstention; one
    pseudonym column (never a name), pseudonymised again as M0001…; comment columns dropped.
    """
    niveaux = _niveaux_par_defaut() if niveaux is None else niveaux
    exp = _analyser(_cellules(source))
    nom, titres = exp.cells.nom, exp.titres
    par_cle: dict[str, set[str]] = {}
    for cid, titre in zip(criteres["critere"], criteres["titre"], strict=True):
        for t in (cid, titre):
            par_cle.setdefault(cle(t), set()).add(cid)
    attendus = "critères attendus : " + " ; ".join(f"« {t} » (clé {c})" for c, t in
                                                   zip(criteres["critere"], criteres["titre"], strict=True))
    problems: list[Probleme] = []
    crit_cols: dict[str, int] = {}
    membre: int | None = None
    info_cols = set(exp.info.values())
    for j, t in enumerate(titres):
        if j in info_cols or t == "" or cle(t).startswith("commentaire"):
            continue
        if _est_pseudonyme(t):
            if membre is None:
                membre = j
            else:
                problems.append(Probleme(nom, "deux colonnes de pseudonyme", ligne=3, colonne=_lettre(j)))
            continue
        found = par_cle.get(cle(t), set())
        if len(found) > 1:
            problems.append(Probleme(nom, "ce titre correspond à plusieurs critères", ligne=3, colonne=_lettre(j),
                                     conseil=attendus))
        elif not found:
            problems.append(Probleme(nom, "colonne inconnue", ligne=3, colonne=_lettre(j), conseil=attendus))
        elif (cid := next(iter(found))) in crit_cols:
            problems.append(Probleme(nom, "critère en double", ligne=3, colonne=_lettre(j)))
        else:
            crit_cols[cid] = j
    if membre is None:
        problems.append(Probleme(nom, "colonne « Pseudonyme » absente", ligne=3,
                                 conseil="ajoutez au formulaire un champ texte « Pseudonyme » (clé pseudonyme), "
                                         "obligatoire ; jamais le nom du membre"))
    for cid, titre in zip(criteres["critere"], criteres["titre"], strict=True):
        if cid not in crit_cols:
            problems.append(Probleme(nom, f"critère absent : « {titre} » (clé {cid})", ligne=3, conseil=attendus))
    if problems:
        raise ErreurDonnees(problems)
    niveaux_cle = {}
    for note, libelle in zip(niveaux["note"], niveaux["libelle"], strict=True):
        niveaux_cle[_valeur(str(int(note)))] = float(note)
        niveaux_cle[_valeur(str(libelle))] = float(note)
    abst = {"", "nspp", "ne se prononce pas"}
    conseil = ("une note de 0 à 4 ou son libellé (" + ", ".join(niveaux["libelle"].astype(str)) +
               ") ; vide, NSPP ou « Ne se prononce pas » pour une abstention")
    rows, seen, pseudos = [], {}, []
    for no, (n, r) in enumerate(exp.donnees, start=1):
        p = r[membre].strip()
        if not p:
            problems.append(Probleme(nom, f"notes sans pseudonyme (membre n° {no})", ligne=n,
                                     colonne=_lettre(membre), conseil="rendez le champ « Pseudonyme » obligatoire"))
            continue
        k = _valeur(p)
        if k in seen:
            problems.append(Probleme(nom, f"pseudonyme en double (membre n° {no}, déjà ligne {seen[k]})", ligne=n,
                                     colonne=_lettre(membre), conseil="une seule réponse envoyée par membre"))
            continue
        seen[k] = n
        pseudos.append(p)
        row = {}
        for cid, j in crit_cols.items():
            v = _valeur(r[j])
            if v in abst:
                row[cid] = np.nan
            elif v in niveaux_cle:
                row[cid] = niveaux_cle[v]
            else:
                problems.append(Probleme(nom, f"cette case n'est pas une note (membre n° {no})", ligne=n,
                                         colonne=_lettre(j), conseil=conseil))
        rows.append(row)
    collecte.signaler(pseudos)
    del pseudos
    if problems:
        raise ErreurDonnees(problems)
    if not rows:
        raise ErreurDonnees(Probleme(nom, "aucune grille envoyée dans cet export", ligne=4))
    notes = pd.DataFrame(rows, columns=list(criteres["critere"]))
    numeros = pd.Series(np.arange(1, len(notes) + 1)).astype(str).str.zfill(4)
    notes.index = pd.Index("M" + numeros, name="membre")
    return ExportGrille(notes.astype(float), exp.cells.lecture, exp.brouillons)


# ----------------------------------------------------------------------------- « Make the form right the first time »

_EXPORT = """## Télécharger les réponses

Onglet « Résultats », puis « Téléchargement » :

1. **Format d'export** : « Microsoft Excel » (.xlsx) ; un « Texte délimité » convient aussi (tabulation,
   virgule, point-virgule ou barre verticale).
2. **Format des en-têtes de colonnes** : « Libellé » ou « Clé du formulaire » (Form Key) ; jamais « Aucun ».
3. **Options des listes de sélection** : « Valeurs lisibles » ou « Clés » ; format « Compact » ou « Séparé ».
4. **Composants inclus** : gardez au moins « Numéro » et « Brouillon » ; **décochez « Adresse IP », « UID » et
   « Nom d'utilisateur »** : le programme ne les lit pas et les oublie aussitôt, mieux vaut ne pas les télécharger.
5. Ne retouchez pas le fichier : donnez-le tel quel au programme (il reconnaît un export Framaforms à sa forme).
   Les brouillons sont laissés de côté, et comptés.
"""


def consignes(formulaire: str, criteres: pd.DataFrame | None = None, niveaux: pd.DataFrame | None = None) -> str:
    """The French sheet (Markdown) the officer follows to build the `retours` or `grille` form in Framaforms."""
    if formulaire == "retours":
        lignes = [
            "# Fiche Framaforms : questionnaire des habitants sur le callbot", "",
            "Créez le formulaire sur framaforms.org, puis ajoutez les composants ci-dessous **dans cet ordre**, "
            "avec exactement ce libellé et cette clé (« Clé du formulaire », dans les réglages avancés du "
            "composant). Saisissez les options une par ligne, telles quelles, dans cet ordre.", "",
            "## Réglages obligatoires", "",
            "- **Aucun champ nom, prénom, adresse, téléphone ni courriel** : le questionnaire est anonyme.",
            "- Dans « Paramètres du formulaire » : désactivez le suivi des adresses IP si l'option est proposée ; "
            "n'exigez pas de compte.",
            "- Aucune question n'est obligatoire : une question sans réponse ne compte pas dans ses parts.",
            "- Choix unique partout : composant « Boutons radio » (liste de sélection, « Choix multiples » "
            "décoché) ; n'activez pas l'option « Autre… ».", "",
            "## Composants", "",
            "| Ordre | Type de composant | Libellé | Clé | Options (dans l'ordre) |",
            "|---|---|---|---|---|",
        ]
        for i, q in enumerate(QUESTIONS.values(), start=1):
            if q.id == "date":
                type_, opts = "Date (facultatif : sans lui, la date d'envoi sert de date)", "—"
            elif q.id == COLONNE_COMMENTAIRE:
                type_, opts = "Zone de texte (jamais publiée)", "—"
            else:
                type_, opts = "Boutons radio", " / ".join(q.reponses)
            lignes.append(f"| {i} | {type_} | {q.texte} | `{q.id}` | {opts} |")
        lignes += ["", "Sous le commentaire, écrivez en description : « N'écrivez ni nom, ni adresse, ni numéro de "
                   "téléphone. Ce commentaire n'est jamais publié. »", ""]
    elif formulaire == "grille":
        criteres = pd.read_csv(config.raw_file("grille_criteres.csv")) if criteres is None else criteres
        niveaux = _niveaux_par_defaut() if niveaux is None else niveaux
        lignes = [
            "# Fiche Framaforms : grille d'évaluation du callbot par les membres du CLN", "",
            "Créez le formulaire sur framaforms.org, puis ajoutez les composants ci-dessous dans cet ordre, avec "
            "exactement ce libellé et cette clé.", "",
            "## Réglages obligatoires", "",
            "- **Un champ « Pseudonyme », jamais le nom** du membre ; aucun champ courriel.",
            "- Le pseudonyme est obligatoire ; un seul envoi par membre.",
            "- Les lignes de la grille ne sont pas obligatoires : une ligne sans note est une abstention.", "",
            "## Composants", "",
            "| Ordre | Type de composant | Libellé | Clé |", "|---|---|---|---|",
            "| 1 | Champ texte, obligatoire | Pseudonyme (jamais votre nom) | `pseudonyme` |",
            "| 2 | Grille | Notes de la grille | `notes` |",
            "| 3 | Zone de texte (facultatif, jamais publiée) | Commentaire (jamais publié) | `commentaire` |", "",
            "## La grille", "",
            "Dans le composant « Grille », cochez « Clés personnalisées » pour les questions et pour les options, "
            "puis saisissez une ligne `clé|libellé` par élément, dans cet ordre.", "",
            "Questions (les 8 critères) :", "", "```",
        ]
        lignes += [f"{c}|{t}" for c, t in zip(criteres["critere"], criteres["titre"], strict=True)]
        lignes += ["```", "", "Options (les niveaux, puis l'abstention) :", "", "```"]
        lignes += [f"{int(n)}|{lib}" for n, lib in zip(niveaux["note"], niveaux["libelle"], strict=True)]
        lignes += ["NSPP|Ne se prononce pas", "```", ""]
    else:
        raise ValueError(f"formulaire inconnu : {formulaire}")
    return "\n".join(lignes) + "\n" + _EXPORT


def ecrire_consignes(formulaire: str, chemin: str | Path, force: bool = False) -> Path:
    """Write the Framaforms sheet of `retours` or `grille` (Markdown, also under a .txt name); as the blank
    sheets are: never under data/raw/, over an existing file only with `force`."""
    path = Path(chemin).expanduser().resolve()  # an output the user names: relative to the shell's folder
    if config.is_under_raw(path):
        raise ErreurUsage(f"{path} : refus d'écrire dans data/raw/, qui ne contient que les données brutes ; "
                          "choisissez un autre dossier")
    if path.is_dir() or not path.parent.is_dir():
        raise ErreurUsage(f"{path} : donnez un nom de fichier (.md ou .txt) dans un dossier qui existe")
    if path.exists() and not force:
        raise ErreurUsage(f"{path} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer")
    if path.suffix.lower() not in (".md", ".txt"):
        raise ErreurUsage(f"{path.name} : la fiche Framaforms s'écrit en .md (Markdown) ou en .txt")
    ecrire_atomique(path, consignes(formulaire))
    return path
