"""The digital budget from budget lines in the SCDL « Budget » format, and the perimeter that says which are digital.

Two parts:

- reading (`lire_lignes`, `lire_perimetre`): the reading layer (`lecture.ouvrir`) opens each file (CSV with `,` or
  `;`, UTF-8 with or without BOM or Windows-1252, `.xlsx`; the lines under their own size limit); the reader maps
  the column names (the data.gouv.fr tabular export writes them in lower case) and checks every cell against the
  SCDL schema shipped in `data/raw/schemas/scdl_budget.json`, column by column (vectorised: a large city's 200 000
  lines are checked in a fraction of a second);
- pure functions (everything else): the rules (spending only, real operations only, mandated = `BGT_MTREAL` of the
  *compte administratif*, voted = `BGT_MTPREV` of the *budget primitif*, one SIRET, the requested year present), the
  matching of the perimeter's rules, and every table and figure the report shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, donnees, lecture, prelecture
from . import formats as f
from .erreurs import ErreurDonnees, Probleme
from .registre import chiffre

#: The shipped SCDL « Budget » schema (version and source in its own metadata).
SCHEMA = config.extra_schema("scdl_budget")

#: The default perimeter file (one rule a row).
PERIMETRE = config.raw_file("budget_perimetre.csv")

#: Budget lines have their own size limit: a large city's file (200 000 lines, some 60 Mo) exceeds the 50 Mo of
#: the other inputs. Read in memory as text columns, 200 Mo stays well below 1 Go.
TAILLE_MAX = 200 * 2**20

#: At most this many problems are listed in one refusal (the rest is counted).
PROBLEMES_MAX = 20

#: The city's own columns kept for the breakdowns when the file has them.
COLONNES_VILLE = ("direction", "service", "libelle_ligne")

#: The names the report gives the columns it adds to a line (its line number, the rule that caught it, the euros
#: counted): a city column of one of these names would be taken for it, so it is refused on reading.
COLONNES_RESERVEES = ("ligne", "regle", "categorie_id", "categorie", "part", "montant", "montant_ligne")

#: The perimeter's own columns; every other column is a filter named as in the lines file.
COLONNES_PERIMETRE = ("id", "categorie_id", "categorie", "part", "justification")

#: Category ids the report answers the council's questions with (the city's list may hold others).
DSI_FONCTIONNEMENT = "dsi_fonctionnement"
SITES_APPLICATIONS = "sites_applications"
INCLUSION_MEDIATION = "inclusion_mediation"
NON_DISTINGUE = "la donnée ne le distingue pas"

SECTIONS = ("investissement", "fonctionnement")
_ID_RE = re.compile(r"^[a-z0-9_]+$")
_MILLIERS_RE = r"^[+-]?\d{1,3}(\.\d{3})+$"  # « 1.234 » or « 12.345.678 »: a thousands separator, or a decimal?
_TOLERANCE = 1e-9


@lru_cache(maxsize=1)
def schema() -> dict:
    """The SCDL « Budget » Table Schema, as shipped."""
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def champs() -> dict[str, dict]:
    """The schema's fields by name, in the schema's order."""
    return {c["name"]: c for c in schema()["fields"]}


def montants() -> list[str]:
    """The amount columns of the schema (type number)."""
    return [n for n, c in champs().items() if c["type"] == "number"]


# --------------------------------------------------------------------------- reading


@dataclass
class _TableCodee:
    """A table as a read ahead hands it over (`_table_codee`): its other columns as they are, each text column as
    (codes, distinct values, type)."""

    reste: pd.DataFrame
    ordre: list
    textes: dict


def _table_codee(table: pd.DataFrame, codes: Callable[[str], tuple[np.ndarray, np.ndarray]] | None = None
                 ) -> _TableCodee:
    """`table` with each text column as its codes and distinct values (`codes(column)`, the caller's when it has
    them, else `_distinctes`), for pickling: a reference a distinct value, not a cell."""
    textes = [c for c in table.columns if isinstance(table[c].dtype, pd.StringDtype)]
    codes = codes or (lambda c: _distinctes(table[c]))
    return _TableCodee(table.drop(columns=textes), list(table.columns),
                       {c: (*codes(c), table[c].dtype) for c in textes})


def _table_decodee(codee: _TableCodee, positions: np.ndarray | None = None) -> pd.DataFrame:
    """The table `_table_codee` coded, as it was (its rows at `positions`, in that order): same columns, order,
    types, index and attributes; each text column its distinct values taken by its codes."""
    reste = codee.reste if positions is None else codee.reste.take(positions)
    colonnes = {c: reste[c] for c in reste.columns}
    for c, (codes, valeurs, type_) in codee.textes.items():
        codes = codes if positions is None else codes[positions]
        colonnes[c] = pd.Series(lecture.textes_de_type(valeurs[codes], type_) if len(valeurs) else
                                pd.array([], dtype=type_), index=reste.index, copy=False)
    table = pd.DataFrame({c: colonnes[c] for c in codee.ordre}, index=reste.index, copy=False)
    table.attrs = dict(reste.attrs)
    return table


@dataclass
class Lignes:
    """The budget lines as read: one row per line of the file, `ligne` its line number in the file. `table` is
    not changed once read: each text column's codes (`codes`) are computed once from it."""

    table: pd.DataFrame
    fichier: str
    description: str
    colonnes_ville: list[str] = field(default_factory=list)
    #: the SHA-256 of the bytes read (the report records the file by it: `Rapport.entree`)
    sha256: str | None = None
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def codes(self, colonne: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of a text column (`_distinctes`), computed once: a rule compares a column's
        few hundred distinct values, not its 200 000 cells (pandas compares text cell by cell, 15 ms a test)."""
        if colonne not in self._codes:
            self._codes[colonne] = _distinctes(self.table[colonne])
        return self._codes[colonne]

    def __getstate__(self) -> dict:
        """What a read ahead hands over (`prelecture`): each text column as its codes and distinct values, which the
        reader computed (`codes`), instead of 200 000 references to its strings (half the time to load them back,
        a third fewer bytes); the other columns as they are."""
        if "_a_batir" in self.__dict__:  # loaded so and not built since: handed over as it came
            return dict(self.__dict__)
        etat = dict(self.__dict__)
        etat["_a_batir"] = _table_codee(self.table, self.codes)  # the codes computed once, shared with `_codes`
        del etat["table"]
        etat["_codes"] = dict(self._codes)
        return etat

    def __setstate__(self, etat: dict) -> None:
        """As handed over: the table is built when first asked for (`table`), its text columns from their codes; the
        rows a report takes (`rangees`) and its numbers (`colonne`) need not build it (the 200 000 texts of a large
        city's 17 text columns: a tenth of a second, for the 25 000 rows a report keeps)."""
        self.__dict__.update(etat)

    def __getattr__(self, nom: str):
        if nom == "table" and "_a_batir" in self.__dict__:  # loaded from a read ahead: built now, once
            table = self._batir(None)
            self.__dict__["table"] = table
            del self.__dict__["_a_batir"]
            return table
        raise AttributeError(nom)

    def _batir(self, positions: np.ndarray | None) -> pd.DataFrame:
        """The table as it was read (its rows at `positions`, in that order), from its codes."""
        return _table_decodee(self.__dict__["_a_batir"], positions)

    def rangees(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at `positions` (in that order, the table's index kept), as `table.take(positions)` gives them."""
        if "_a_batir" in self.__dict__:
            return self._batir(np.asarray(positions, dtype=np.intp))
        return self.table.take(positions)

    def colonne(self, nom: str) -> pd.Series:
        """A column of the table: a number column without building the table (`__setstate__`)."""
        if "_a_batir" in self.__dict__ and nom in self.__dict__["_a_batir"].reste.columns:
            return self.__dict__["_a_batir"].reste[nom]
        return self.table[nom]

    @property
    def colonnes(self) -> list[str]:
        """The table's columns, in its order."""
        return list(self.__dict__["_a_batir"].ordre) if "_a_batir" in self.__dict__ else list(self.table.columns)

    def egal(self, colonne: str, valeur: str) -> np.ndarray:
        """Which lines hold exactly `valeur` in the text column `colonne`."""
        codes, valeurs = self.codes(colonne)
        return (valeurs == valeur)[codes] if len(valeurs) else np.zeros(len(codes), dtype=bool)


def _lire_table(chemin: Path, attendues: list[str]) -> tuple[list[str], pd.DataFrame, lecture.Tableau]:
    """(header, body, the file as read: its description, decimal rule, the distinct values of the columns the
    reading layer split, format and SHA-256) of a CSV or .xlsx file, opened by the reading layer under the budget
    lines' own size limit; `ligne` numbers the file's lines."""
    fmt = lecture.Format(taille_max=TAILLE_MAX, colonnes_attendues=tuple(attendues + [a.lower() for a in attendues]),
                         colonnaire=True, empreinte=True)
    tableau = lecture.ouvrir(chemin, fmt)
    body = tableau.cellules().reset_index()  # `ligne` first, then the cells 0…n-1
    return tableau.entete, body, tableau


def _distinctes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a text column: a budget column holds few distinct values (codes, labels), so
    every check runs once per distinct value and is spread back to the rows (pandas' text methods loop in Python
    over every cell: 10 s for a large city's file). The codes in 32 bits: half the bytes a read ahead hands over."""
    codes, valeurs = pd.factorize(np.asarray(col, dtype=object))  # twice as fast as without the NaN sentinel
    valeurs = np.asarray(valeurs, dtype=object)
    if len(codes) and codes.min() < 0:  # a short row's missing cell (NaN): one more distinct value
        valeurs, codes = np.append(valeurs, np.nan), np.where(codes < 0, len(valeurs), codes)
    return codes.astype(np.int32) if len(valeurs) < 2**31 else codes, valeurs


def _nettoyer(body: pd.DataFrame, lues: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
              ) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Cells stripped, blank rows dropped (once per distinct value of each column); with each column's codes and
    distinct values, so that the schema check does not compute them again. `lues`: those the reading layer gave
    (`lecture.Tableau.distinctes`), by column name, not computed again."""
    cells = [c for c in body.columns if c != "ligne"]
    vide = np.ones(len(body), dtype=bool)
    distinctes = {}
    lues = lues or {}
    for c in cells:
        codes, valeurs = lues[c] if c in lues else _distinctes(body[c])
        propres = np.array([v.strip() if isinstance(v, str) else "" for v in valeurs], dtype=object)
        if (propres != valeurs).any():
            body[c] = propres[codes]
        vide &= (propres == "")[codes] if len(valeurs) else vide
        distinctes[c] = (codes, propres)
    if cells and vide.any():
        body = body[~vide]
        distinctes = {c: (codes[~vide], v) for c, (codes, v) in distinctes.items()}
    return body, distinctes


def _nom_canonique(entete: str, noms: dict[str, str]) -> str:
    """A header's SCDL name (`bgt_natdec` → `BGT_NATDEC`), or the city column's name as written."""
    return noms.get(entete.strip().upper(), entete.strip())


def _refuser(problemes: list[Probleme]) -> None:
    if problemes:
        raise ErreurDonnees(problemes)


def _premiers(masque: np.ndarray, lignes: np.ndarray, k: int = PROBLEMES_MAX) -> list[int]:
    return [int(n) for n in lignes[np.flatnonzero(masque)[:k]]]


_NOMBRE_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _nombre(texte: str, virgule: bool, milliers_ambigus: bool) -> float:
    """The amount in a cell, NaN when it is empty, None when it is not written without doubt."""
    t = texte.replace("\u00a0", "").replace("\u202f", "")
    if t == "":
        return np.nan
    if virgule:
        if "." in t:
            return None
        t = t.replace(",", ".")
    elif milliers_ambigus and re.fullmatch(_MILLIERS_RE, t):
        return None
    if not _NOMBRE_RE.fullmatch(t):
        return None
    x = float(t)
    return x if abs(x) <= donnees.NOMBRE_MAX else None


def _nombre_colonne(codes: np.ndarray, valeurs: np.ndarray, decimale: str, classeur: bool = False
                    ) -> tuple[np.ndarray, np.ndarray, str]:
    """(values, bad mask, advice) of an amount column: a decimal point as the schema writes it, a decimal comma as
    Excel saves it (`;` files); a point in a decimal-comma column, or « 1.234 » in a `;` file, is ambiguous. In a
    workbook (`classeur`) a bad amount is a cell of text: the advice says to type a number, as Excel takes it."""
    virgule = decimale == "," and any("," in v for v in valeurs)
    if classeur:
        conseil = ("saisissez le montant comme un nombre dans la cellule (3,5 dans un Excel en français), sans "
                   "texte, espace ni symbole")
    elif virgule:
        conseil = "écrivez la décimale avec une virgule (3,5), sans séparateur de milliers"
    elif decimale == ",":
        conseil = ("un point suivi de trois chiffres peut séparer les milliers : écrivez la décimale avec une "
                   "virgule (3,5), sans séparateur de milliers")
    else:
        conseil = "écrivez le nombre en chiffres, la décimale avec un point (3.5), sans espace ni symbole"
    lus = [_nombre(v, virgule, decimale == ",") for v in valeurs]
    mauvais = np.array([x is None for x in lus], dtype=bool)[codes]
    nombres = np.array([np.nan if x is None else x for x in lus], dtype="float64")[codes]
    return nombres, mauvais, conseil


def valider_schema(table: pd.DataFrame, nom: str, decimale: str,
                   distinctes: dict[str, tuple[np.ndarray, np.ndarray]] | None = None, classeur: bool = False
                   ) -> tuple[pd.DataFrame, list[Probleme]]:
    """Every cell checked against the SCDL schema, column by column, once per distinct value (types, enums,
    required, pattern, lengths); amounts become floats (NaN when empty), the year an integer, enums lower case.
    Returns the typed table and the problems (at most `PROBLEMES_MAX` a check). `distinctes`: each column's codes
    and distinct values when the caller has them (`_nettoyer`)."""
    problemes: list[Probleme] = []
    distinctes = distinctes or {}
    lignes = table["ligne"].to_numpy()
    out = table.copy()

    def signaler(mauvais: np.ndarray, col: pd.Series, colonne: str, message, conseil=None):
        for i in np.flatnonzero(mauvais)[:PROBLEMES_MAX]:
            texte = message(str(col.iloc[i])[:30]) if callable(message) else message
            problemes.append(Probleme(nom, texte, ligne=int(lignes[i]), colonne=colonne, conseil=conseil))

    for nom_champ, champ in champs().items():
        if nom_champ not in table:
            continue
        col = table[nom_champ]
        c = champ.get("constraints", {})
        codes, valeurs = distinctes[nom_champ] if nom_champ in distinctes else _distinctes(col)
        vide = (valeurs == "")[codes] if len(valeurs) else np.zeros(0, dtype=bool)
        if c.get("required") and vide.any():
            signaler(vide, col, nom_champ, "cellule vide dans une colonne obligatoire du schéma SCDL")
        if champ["type"] == "number":
            nombres, mauvais, conseil = _nombre_colonne(codes, valeurs, decimale, classeur)
            signaler(mauvais, col, nom_champ, lambda v: f"« {v} » n'est pas un montant lisible", conseil)
            out[nom_champ] = nombres
            continue
        if champ["type"] == "year":
            annees = np.array([int(v) if re.fullmatch(r"\d{4}", v) else -1 for v in valeurs], dtype="int64")
            mauvais = (annees == -1)[codes] & ~vide if len(valeurs) else vide
            signaler(mauvais, col, nom_champ, lambda v: f"« {v} » n'est pas une année",
                     "écrivez l'année sur quatre chiffres (2025)")
            out[nom_champ] = np.where(mauvais | vide, 0, annees[codes] if len(valeurs) else 0)
            continue
        if "enum" in c:
            # the exports write the values in lower case; some spreadsheets capitalise them
            minus = np.array([v.lower() for v in valeurs], dtype=object)
            ok = np.isin(minus, c["enum"])
            mauvais = ~ok[codes] & ~vide if len(valeurs) else vide
            autorisees = " ; ".join(f"« {v} »" for v in c["enum"])
            signaler(mauvais, col, nom_champ, lambda v: f"valeur « {v} » non prévue par le schéma SCDL",
                     f"valeurs possibles : {autorisees}")
            out[nom_champ] = minus[codes] if len(valeurs) else col
        if "pattern" in c:
            motif = re.compile(c["pattern"])
            ok = np.array([bool(motif.fullmatch(v)) for v in valeurs], dtype=bool)
            mauvais = ~ok[codes] & ~vide if len(valeurs) else vide
            forme = "14 chiffres" if nom_champ == "BGT_SIRET" else c["pattern"]
            # a budget line is public open data: the value read is shown, as for an amount or a year
            signaler(mauvais, col, nom_champ, lambda v, forme=forme: f"« {v} » ne suit pas le format du schéma SCDL "
                     f"({forme})")
        if "maxLength" in c or "minLength" in c:
            n_car = np.array([len(v) for v in valeurs], dtype="int64")
            ok = (n_car <= c.get("maxLength", np.iinfo("int64").max)) & (n_car >= c.get("minLength", 0))
            mauvais = ~ok[codes] & ~vide if len(valeurs) else vide
            signaler(mauvais, col, nom_champ, f"entre {c.get('minLength', 0)} et {c['maxLength']} caractères attendus")
    return out, problemes


def lire_lignes(chemin: str | Path) -> Lignes:
    """Read a budget-lines file (SCDL « Budget ») as published or as Excel saves it, checked against the schema.

    Column names are matched without case (the data.gouv.fr export writes `bgt_natdec`); the city's own columns
    are kept as they are named. Refuses, naming file, row and column, what the schema does not allow."""
    chemin = Path(chemin)
    nom = config.display_path(chemin)
    noms = {n.upper(): n for n in champs()}
    header, body, tableau = _lire_table(chemin, list(champs()))
    description, decimale, lues, classeur = (tableau.description(), tableau.decimale, tableau.distinctes,
                                             tableau.format == "xlsx")
    canon = [_nom_canonique(h, noms) for h in header]
    vus: dict[str, int] = {}
    problemes = []
    for i, c in enumerate(canon):
        if c in vus:
            problemes.append(Probleme(nom, f"colonne en double (colonnes {vus[c] + 1} et {i + 1})", colonne=c,
                                      conseil="gardez une seule colonne de ce nom"))
        vus.setdefault(c, i)
    for i, c in enumerate(canon):
        if c.lower() in COLONNES_RESERVEES:
            problemes.append(Probleme(nom, f"nom réservé aux colonnes que le rapport ajoute à chaque ligne (colonne "
                                           f"{i + 1} du fichier)", colonne=c,
                                      conseil=f"renommez cette colonne de la ville (par exemple « {c}_ville »)"))
    requis = [n for n, ch in champs().items() if ch.get("constraints", {}).get("required")]
    absentes = [n for n in requis if n not in vus]
    schema = "les titres de colonnes du schéma : " + ", ".join(champs())
    if len(absentes) == 1:  # by the reading layer, which names a workbook's sheet and points to its others
        problemes.append(tableau.probleme("colonne obligatoire du schéma SCDL « Budget » absente",
                                          colonne=absentes[0], conseil=schema))
    elif absentes:  # one message, the schema's titles said once
        problemes.append(tableau.probleme(f"{len(absentes)} colonnes obligatoires du schéma SCDL « Budget » "
                                          f"absentes ({', '.join(absentes)})", conseil=schema))
    _refuser(problemes)
    body = body.rename(columns={i: c for i, c in enumerate(canon)})
    body, distinctes = _nettoyer(body, {canon[j]: d for j, d in lues.items()})
    if classeur and "BGT_SIRET" in distinctes:  # Excel keeps a SIRET typed as a number: its leading zeros are lost
        codes, valeurs = distinctes["BGT_SIRET"]
        valeurs = np.array([v.zfill(14) if v.isdigit() and len(v) < 14 else v for v in valeurs], dtype=object)
        distinctes["BGT_SIRET"] = (codes, valeurs)
        body["BGT_SIRET"] = valeurs[codes] if len(valeurs) else body["BGT_SIRET"]
    if body.empty:
        raise ErreurDonnees(Probleme(nom, "aucune ligne budgétaire sous l'en-tête"))
    table, problemes = valider_schema(body, nom, decimale, distinctes, classeur)
    _refuser(problemes)
    for n in champs():  # optional columns absent from the file: empty
        if n not in table:
            table[n] = np.nan if n in montants() else ""
    table = table.reset_index(drop=True)
    table.attrs["fichier"] = nom
    ville = [c for c in canon if c not in champs()]
    lignes = Lignes(table, nom, description, ville, sha256=tableau.sha256)
    for c in table.columns:  # every text column coded here, ahead in a child when the file is read ahead
        if c != "ligne" and pd.api.types.is_string_dtype(table[c]):
            if c in distinctes:  # from the codes the reading gave: its few hundred values, not its 200 000 cells
                lignes._codes[c] = _recoder(*distinctes[c], "enum" in champs().get(c, {}).get("constraints", {}))
            else:
                lignes.codes(c)
    return lignes


def _recoder(codes: np.ndarray, valeurs: np.ndarray, minuscules: bool) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of the column `valeurs[codes]` (lower-cased when `minuscules`, as `valider_schema`
    writes an enum), as `_distinctes` would give them but for the order of the values (the reading layer's, not the
    rows'), from its distinct values: two that became one (« Réel », « réel ») made one, those no row holds dropped."""
    if minuscules:
        valeurs = np.array([v.lower() for v in valeurs], dtype=object)
    nouveaux, uniques = pd.factorize(valeurs, use_na_sentinel=False)
    par_ligne = nouveaux[codes]
    presentes = np.flatnonzero(np.bincount(par_ligne, minlength=len(uniques)))
    rang = np.full(len(uniques), -1, dtype=np.int64)
    rang[presentes] = np.arange(len(presentes))
    return rang[par_ligne].astype(np.int32), np.asarray(uniques, dtype=object)[presentes]


# --------------------------------------------------------------------------- rules of the lines


#: The SIRET of the shipped fictitious example (tools/generer_budget_lignes_exemple.py): no establishment has it
#: (INSEE never gives SIREN 000 000 000), so lines that carry it are that example, whatever their file.
SIRET_EXEMPLE = "00000000000000"


def est_exemple(lignes: Lignes) -> bool:
    """The lines are the project's invented example (its SIRET), not a city's accounts."""
    return bool(len(lignes.colonne("ligne"))) and bool(lignes.egal("BGT_SIRET", SIRET_EXEMPLE).all())


def verifier(lignes: Lignes, annee: int) -> None:
    """One SIRET in the file, and the requested year present; else a French refusal naming file, row, column."""
    codes, valeurs = lignes.codes("BGT_SIRET")
    autre = (valeurs != valeurs[codes[0]])[codes]
    numero = lignes.colonne("ligne")
    if autre.any():
        i = int(np.flatnonzero(autre)[0])
        raise ErreurDonnees(Probleme(
            lignes.fichier, f"un deuxième SIRET ({valeurs[codes[i]]}, le premier est {valeurs[codes[0]]} ligne "
                            f"{int(numero.iloc[0])})",
            ligne=int(numero.iloc[i]), colonne="BGT_SIRET",
            conseil="un fichier ne décrit qu'un budget : gardez les lignes de la ville (budget principal)"))
    annee_ligne = lignes.colonne("BGT_ANNEE")
    if not (annee_ligne == annee).any():
        annees = ", ".join(str(a) for a in sorted(annee_ligne.unique()))
        raise ErreurDonnees(Probleme(lignes.fichier, f"aucune ligne pour l'année {annee}", colonne="BGT_ANNEE",
                                     conseil=f"années présentes : {annees}"))


def _etape(lignes: Lignes, etape: str, annee: int | None, operation: str) -> np.ndarray:
    """Which lines are spending of `etape` (« compte administratif »…) of the operations `operation` (« réel »,
    « ordre »), of the year `annee` (None: of every year)."""
    m = lignes.egal("BGT_NATDEC", etape) & lignes.egal("BGT_CODRD", "dépense") & lignes.egal("BGT_OPBUDG", operation)
    return m if annee is None else m & (lignes.colonne("BGT_ANNEE").to_numpy() == annee)


def _mandatees(lignes: Lignes, annee: int | None = None) -> np.ndarray:
    return _etape(lignes, "compte administratif", annee, "réel")


def mandatees(lignes: Lignes, annee: int | None = None) -> pd.DataFrame:
    """The mandated spending: real spending lines of the *compte administratif*, amount = `BGT_MTREAL`."""
    out = lignes.rangees(np.flatnonzero(_mandatees(lignes, annee)))
    out["montant"] = out["BGT_MTREAL"].fillna(0.0)
    return out


def ordre_exclues(lignes: Lignes, annee: int) -> pd.DataFrame:
    """The *ordre* spending lines of the year's *compte administratif*: counted and shown, never summed."""
    return lignes.rangees(np.flatnonzero(_etape(lignes, "compte administratif", annee, "ordre")))


def primitif(lignes: Lignes, annee: int) -> pd.DataFrame:
    """The voted budget in the shape of `data/raw/budget_primitif.csv` (`annee`, `montant_vote`): the real
    spending of the *budget primitif*, `BGT_MTPREV` summed; no row when the file has no budget primitif."""
    prevu = lignes.colonne("BGT_MTPREV")[_etape(lignes, "budget primitif", annee, "réel")]
    vote = montant(prevu.fillna(0.0).sum())
    if prevu.isna().all() or not vote:  # no line, no voted amount (the optional column absent or left
        # empty), or nothing voted: the file has no voted budget to divide by
        return pd.DataFrame({"annee": pd.Series(dtype="int64"), "montant_vote": pd.Series(dtype="int64")})
    return pd.DataFrame({"annee": [annee], "montant_vote": [vote]})


#: The decimals an amount is kept to: a millionth of a euro. A line's cents × a rule's part of up to four decimals are
#: exact there (101,01 € × 0,5 = 50,505 €), and a sum's float noise (0,1 + 0,2 = 0,30000000000000004) is far below
#: it. Never a rounding of what is shown: `arrondi` rounds every amount printed (half away from zero), so a rule that
#: catches one line of 50,505 € shows 50,51 € as the line does (a sum rounded here to the cent, half to even on the
#: binary value, showed 50,50 €).
DECIMALES_MONTANTS = 6


def montant(x: float) -> int | float:
    """An amount in euros as the amount it is: an integer when it is whole (a file of whole euros, a sum of lines
    without cents), else to the millionth (`DECIMALES_MONTANTS`). Never rounded to the cent here."""
    r = round(float(x), DECIMALES_MONTANTS)
    return int(r) if r.is_integer() else r


# --------------------------------------------------------------------------- the perimeter


@dataclass
class Perimetre:
    """The perimeter's rules: `regles` one row per rule (`ligne`, id, categorie_id, categorie, part,
    justification), `filtres` the lines' columns it filters on."""

    regles: pd.DataFrame
    filtres: list[str]
    fichier: str
    lecture: str = ""  # how the file was read, in French (« Lu comme » of the audit page)


def lire_perimetre(chemin: str | Path = PERIMETRE) -> Perimetre:
    """Read the perimeter: one rule a row; `part` empty = 1, decimal comma accepted, 0 < part ≤ 1."""
    chemin = Path(chemin)
    nom = config.display_path(chemin)
    tableau = lecture.ouvrir(chemin, lecture.Format(colonnes_attendues=COLONNES_PERIMETRE))
    entete = [h.strip() for h in tableau.entete]
    problemes = [Probleme(nom, "colonne absente", colonne=c, conseil="colonnes du périmètre : "
                          + ", ".join(COLONNES_PERIMETRE) + ", puis les colonnes filtrées")
                 for c in COLONNES_PERIMETRE if c not in entete]
    _refuser(problemes)
    regles = pd.DataFrame([r for _, r in tableau.lignes], columns=entete, dtype=str)
    regles.insert(0, "ligne", [n for n, _ in tableau.lignes])
    if regles.empty:
        raise ErreurDonnees(Probleme(nom, "aucune règle sous l'en-tête"))
    parts = []
    for ligne, row in regles.set_index("ligne").iterrows():  # a few dozen rules: row by row is clearest
        if not row["id"]:
            problemes.append(Probleme(nom, "règle sans identifiant", ligne=ligne, colonne="id"))
        if not _ID_RE.match(row["categorie_id"]):
            problemes.append(Probleme(nom, "identifiant de catégorie invalide", ligne=ligne, colonne="categorie_id",
                                      conseil="lettres minuscules sans accent, chiffres et _ (dsi_fonctionnement)"))
        if not row["categorie"]:
            problemes.append(Probleme(nom, "catégorie vide", ligne=ligne, colonne="categorie"))
        if not row["justification"]:
            problemes.append(Probleme(nom, "justification vide : chaque règle dit pourquoi ces lignes sont du "
                                           "numérique", ligne=ligne, colonne="justification"))
        texte = row["part"].replace(",", ".")
        try:
            part = 1.0 if texte == "" else float(texte)
        except ValueError:
            part = float("nan")
        if not 0 < part <= 1:  # NaN fails too
            problemes.append(Probleme(nom, f"part « {row['part'][:30]} » hors de ]0 ; 1]", ligne=ligne, colonne="part",
                                      conseil="la part de la ligne comptée : 1 (ou vide) pour toute la ligne, "
                                              "0,5 pour la moitié"))
        parts.append(part)
    doublons = regles["id"][regles["id"].duplicated() & (regles["id"] != "")]
    for i in doublons.index:
        problemes.append(Probleme(nom, "identifiant de règle en double", ligne=int(regles.loc[i, "ligne"]),
                                  colonne="id"))
    _refuser(problemes)
    regles["part"] = parts
    noms = {n.upper(): n for n in champs()}  # `bgt_contnat` filters BGT_CONTNAT, as in the lines file
    regles = regles.rename(columns={c: _nom_canonique(c, noms) for c in entete if c not in COLONNES_PERIMETRE})
    filtres = [c for c in regles.columns if c not in COLONNES_PERIMETRE and c != "ligne"]
    return Perimetre(regles, filtres, nom, tableau.description())


def _masque_regle(lignes: pd.DataFrame | None, regle: pd.Series, filtres: list[str],
                  distinctes: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                  n: int | None = None) -> np.ndarray:
    """The lines a rule catches: every filled filter cell matches (exact value, or prefix ending in `*`).
    `distinctes`: each filter column's codes and distinct values (`_distinctes`), split once for every rule; then
    `lignes` may be None, with `n` its number of rows."""
    distinctes = distinctes if distinctes is not None else {c: _distinctes(lignes[c]) for c in filtres}

    def par_valeur(c: str, fonction) -> np.ndarray:
        codes, valeurs = distinctes[c]
        return np.fromiter((fonction(v) for v in valeurs), dtype=bool, count=len(valeurs))[codes]

    m = np.ones(len(lignes) if n is None else n, dtype=bool)
    for c in filtres:
        v = str(regle[c]).strip()
        if not v:
            continue
        if c in champs() and "enum" in champs()[c].get("constraints", {}):
            v = v.lower()  # the reader lower-cases enum columns (« Fonctionnement » → « fonctionnement »)
        if v.endswith("*"):
            prefixe = v[:-1]
            m &= par_valeur(c, lambda x, p=prefixe: str(x).startswith(p))
        else:
            m &= par_valeur(c, lambda x, e=v: str(x) == e)
    return m


def attribuer(lignes: pd.DataFrame, perimetre: Perimetre, fichier_lignes: str) -> pd.DataFrame:
    """Every (line, rule) pair the perimeter catches, with the euros counted (`montant` × `part`).

    `lignes`: the mandated lines (`mandatees`). Refuses a filter column the lines file does not have, and a line
    whose rules' parts add above 1 (double counting), naming both rules."""
    _verifier_filtres(lignes, perimetre, fichier_lignes)
    distinctes = {c: _distinctes(lignes[c]) for c in perimetre.filtres}
    return _attribuer(lignes.take, lignes["ligne"].to_numpy(), np.arange(len(lignes)), perimetre, fichier_lignes,
                      distinctes)


def _verifier_filtres(lignes: pd.DataFrame | list[str], perimetre: Perimetre, fichier_lignes: str) -> None:
    absentes = [c for c in perimetre.filtres if c not in lignes]
    _refuser([Probleme(fichier_lignes, f"colonne filtrée par le périmètre ({perimetre.fichier}) absente du fichier",
                       colonne=c, conseil="nommez la colonne du périmètre comme dans le fichier des lignes "
                                          "(BGT_CONTNAT, BGT_FONCTION, direction…)") for c in absentes])


def _attribuer(rangees: Callable[[np.ndarray], pd.DataFrame], numeros: np.ndarray, rangs: np.ndarray,
               perimetre: Perimetre, fichier_lignes: str,
               distinctes: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """`attribuer` of the rows `rangs` (positions) of a table, whose filter columns are coded in `distinctes` (over
    the whole table), its rows at some positions given by `rangees` (`Lignes.rangees`), its line numbers
    `numeros`: only the rows a rule catches are copied. `montant`: the table's, else `BGT_MTREAL` (0 when
    empty), as `mandatees` gives it."""
    regles = perimetre.regles.reset_index(drop=True)
    vue = {c: (codes[rangs], valeurs) for c, (codes, valeurs) in distinctes.items()}
    masques = np.column_stack([_masque_regle(None, r, perimetre.filtres, vue, len(rangs))
                               for _, r in regles.iterrows()]) \
        if len(rangs) else np.zeros((0, len(regles)), dtype=bool)
    somme = masques.astype(float) @ regles["part"].to_numpy() if len(rangs) else np.zeros(0)
    trop = somme > 1 + _TOLERANCE
    if trop.any():
        i = int(np.flatnonzero(trop)[0])
        ids = regles["id"][masques[i]].tolist()
        raise ErreurDonnees(Probleme(
            perimetre.fichier,
            f"double compte : la ligne {int(numeros[rangs[i]])} de {fichier_lignes} est prise par les "
            f"règles « {ids[0]} » et « {ids[1]} »" + (f" (et {len(ids) - 2} autres)" if len(ids) > 2 else "")
            + f", dont les parts font {f.nombre(somme[i], 2)} (au plus 1)",
            colonne="part", conseil="précisez les filtres pour qu'une ligne ne soit comptée qu'une fois, ou "
                                    "partagez-la avec des parts dont la somme vaut au plus 1"))
    li, ri = np.nonzero(masques)
    pris = rangees(rangs[li]).reset_index(drop=True)
    if "montant" not in pris:
        pris["montant"] = pris["BGT_MTREAL"].fillna(0.0)
    r = regles.iloc[ri].reset_index(drop=True)
    pris.insert(1, "regle", r["id"].to_numpy())
    pris.insert(2, "categorie_id", r["categorie_id"].to_numpy())
    pris.insert(3, "categorie", r["categorie"].to_numpy())
    pris.insert(4, "part", r["part"].to_numpy())
    pris["montant_ligne"] = pris["montant"]
    pris["montant"] = (pris["montant_ligne"] * pris["part"]).round(DECIMALES_MONTANTS)
    return pris


# --------------------------------------------------------------------------- the results


@dataclass
class Resultats:
    """Everything the report shows from the lines of one year."""

    annee: int
    mandate: pd.DataFrame  # shape of data/raw/budget_mandate.csv: annee, section, budget_numerique, budget_total
    primitif: pd.DataFrame  # shape of data/raw/budget_primitif.csv (annee, montant_vote), empty without a BP
    numeriques: pd.DataFrame  # every digital (line, rule) of the year, euros counted
    ordre: pd.DataFrame  # the year's ordre spending lines (never summed)
    regles: pd.DataFrame  # every rule, lines and euros caught
    annees: list[int]  # the years with a compte administratif in the file
    #: every digital (line, rule) of every year of the file, as `attribuer` gave them (the years before, for the
    #: evolution, without matching their lines again)
    attribuees: pd.DataFrame | None = None
    #: the years before with a compte administratif but a section without real spending: {year: [sections]} (no
    #: share, no evolution from them; the page says why)
    incompletes: dict[int, list[str]] = field(default_factory=dict)

    def __getstate__(self) -> dict:
        """What a read ahead hands over (`charger` in a child, `prelecture`): each table's text columns coded, as
        `Lignes` hands its own (`_table_codee`; a large city's 50 000 digital lines of every year: a tenth of a
        second less to load them back in the kernel)."""
        return {k: _table_codee(v) if isinstance(v, pd.DataFrame) else v for k, v in self.__dict__.items()}

    def __setstate__(self, etat: dict) -> None:
        self.__dict__.update({k: _table_decodee(v) if isinstance(v, _TableCodee) else v for k, v in etat.items()})


DE_SECTION = {"investissement": "d'investissement", "fonctionnement": "de fonctionnement"}


def calculer(lignes: Lignes, perimetre: Perimetre, annee: int) -> Resultats:
    """Apply the rules and the perimeter to every year of the file's compte administratif."""
    verifier(lignes, annee)
    mand = _mandatees(lignes)  # which lines: only those a rule catches are copied
    annee_ligne = lignes.colonne("BGT_ANNEE").to_numpy()
    if not (mand & (annee_ligne == annee)).any():
        raise ErreurDonnees(Probleme(lignes.fichier, f"aucune dépense réelle du compte administratif {annee}",
                                     colonne="BGT_NATDEC",
                                     conseil="le budget mandaté se lit au compte administratif (BGT_MTREAL)"))
    _verifier_filtres(lignes.colonnes, perimetre, lignes.fichier)
    rangs = np.flatnonzero(mand)
    attrib = _attribuer(lignes.rangees, lignes.colonne("ligne").to_numpy(), rangs, perimetre, lignes.fichier,
                        {c: lignes.codes(c) for c in perimetre.filtres})
    annees = sorted(int(a) for a in np.unique(annee_ligne[rangs]))
    mtreal = lignes.colonne("BGT_MTREAL").fillna(0.0).to_numpy()  # as `mandatees` counts a line
    annee_prise, section_prise = attrib["BGT_ANNEE"].to_numpy(), attrib["BGT_SECTION"].to_numpy(dtype=object)
    montant_pris = attrib["montant"].to_numpy()
    rows = []
    for a in annees:
        for s in SECTIONS:
            rows.append({"annee": a, "section": s,
                         "budget_numerique": montant(montant_pris[(annee_prise == a) & (section_prise == s)].sum()),
                         "budget_total": montant(mtreal[mand & (annee_ligne == a)
                                                        & lignes.egal("BGT_SECTION", s)].sum())})
    mandate = pd.DataFrame(rows)
    if not mandate.loc[mandate["annee"] == annee, "budget_total"].sum():  # nothing to divide by
        raise ErreurDonnees(Probleme(lignes.fichier, f"les montants mandatés du compte administratif {annee} sont "
                                     "vides ou nuls", colonne="BGT_MTREAL",
                                     conseil="le budget mandaté se lit dans BGT_MTREAL, le montant réalisé de chaque "
                                             "ligne de dépense réelle"))
    # a section without real spending: the year's share of it cannot be computed (said in the lines' terms, not in
    # those of the totals file the lines are summed into); a year before it only loses its evolution
    nulles = mandate[mandate["budget_total"] <= 0]
    for s in nulles.loc[nulles["annee"] == annee, "section"]:
        raise ErreurDonnees(Probleme(lignes.fichier, f"aucune dépense réelle {DE_SECTION[s]} au compte administratif "
                                     f"{annee} (ou des montants BGT_MTREAL nuls) : la part du numérique de cette "
                                     "section ne peut pas être calculée", colonne="BGT_SECTION",
                                     conseil=f"le fichier doit avoir les lignes des deux sections du compte "
                                             f"administratif {annee}, investissement et fonctionnement"))
    incompletes = sorted(int(a) for a in nulles["annee"].unique())
    mandate = mandate[~mandate["annee"].isin(incompletes)].reset_index(drop=True)
    mandate.attrs["fichier"] = lignes.fichier
    numeriques = attrib[attrib["BGT_ANNEE"] == annee].reset_index(drop=True)
    return Resultats(annee, mandate, primitif(lignes, annee), numeriques, ordre_exclues(lignes, annee),
                     regles_appliquees(perimetre, numeriques), [a for a in annees if a not in incompletes], attrib,
                     {a: list(nulles.loc[nulles["annee"] == a, "section"]) for a in incompletes})


def regles_appliquees(perimetre: Perimetre, numeriques: pd.DataFrame) -> pd.DataFrame:
    """Every rule with its justification, the lines and the euros it caught (0 for a rule that catches none)."""
    g = numeriques.groupby("regle").agg(lignes=("ligne", "size"), montant=("montant", "sum"))
    r = perimetre.regles.set_index("id")
    out = pd.DataFrame({"regle": r.index, "categorie_id": r["categorie_id"].to_numpy(),
                        "categorie": r["categorie"].to_numpy(), "part": r["part"].to_numpy(),
                        "justification": r["justification"].to_numpy()})
    out["lignes"] = out["regle"].map(g["lignes"]).fillna(0).astype("int64").to_numpy()
    out["montant"] = out["regle"].map(g["montant"]).fillna(0.0).round(DECIMALES_MONTANTS).to_numpy()
    return out


def zeros_perdus(lignes: Lignes, perimetre: Perimetre, regles: list[str]) -> dict[str, str]:
    """{rule id: a French sentence} for each rule of `regles` (those that catch no line) one of whose filter values
    matches no value of its column but would once leading zeros are set aside: « 020 » against lines that hold
    « 20 » (a workbook whose code column Excel stored as numbers drops the zeros; or the perimeter's own workbook did).
    Never corrected: M57's function 20 is not 020; the officer is told, on the terminal and on the audit page."""
    out = {}
    r = perimetre.regles.set_index("id")
    for rid in regles:
        for c in perimetre.filtres:
            v = str(r.loc[rid, c]).strip()
            if not v or c not in lignes.table or not pd.api.types.is_string_dtype(lignes.table[c]):
                continue
            prefixe = v.endswith("*")
            cherche = (v[:-1] if prefixe else v)
            valeurs = [str(x) for x in lignes.codes(c)[1]]
            if any(x.startswith(cherche) if prefixe else x == cherche for x in valeurs):
                continue
            sans = cherche.lstrip("0")
            proches = sorted(x for x in valeurs if x != cherche and x[:1].isdigit() and cherche[:1].isdigit()
                             and (x.lstrip("0").startswith(sans) if prefixe else x.lstrip("0") == sans))
            if proches:
                vu = ", ".join(f"« {x} »" for x in proches[:3])
                out[rid] = (f"la règle {rid} ne prend aucune ligne : aucune valeur de {c} ne "
                            f"{'commence par' if prefixe else 'vaut'} « {cherche} », mais le fichier des lignes a "
                            f"{vu} — un code enregistré comme nombre dans Excel perd ses zéros initiaux (020 devient "
                            f"20) : enregistrez cette colonne au format Texte, dans le classeur des lignes ou dans "
                            f"celui du périmètre, ou corrigez la règle")
                break
    return out


def regles_sans_ligne(res: Resultats) -> list[str]:
    """The ids of the rules that catch no line of the year (listed on the audit page)."""
    return res.regles.loc[res.regles["lignes"] == 0, "regle"].tolist()


def _repartition(numeriques: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    total = numeriques["montant"].sum()
    g = numeriques.groupby(cles, sort=True, dropna=False)["montant"].sum().reset_index()
    g["montant"] = g["montant"].round(DECIMALES_MONTANTS)
    g["part"] = g["montant"] / total if total else np.nan
    return g.sort_values(["montant", *cles], ascending=[False, *[True] * len(cles)]).reset_index(drop=True)


def par_categorie(res: Resultats) -> pd.DataFrame:
    """The digital budget by category: amount and share of the digital budget."""
    return _repartition(res.numeriques, ["categorie_id", "categorie"])


def par_section(res: Resultats) -> pd.DataFrame:
    """The digital budget by section."""
    return _repartition(res.numeriques, ["BGT_SECTION"])


def par_fonction(res: Resultats) -> pd.DataFrame:
    """The digital budget by function (code and label; empty when the file does not fill them)."""
    return _repartition(res.numeriques, ["BGT_FONCTION", "BGT_FONCTION_LABEL"])


def par_direction(res: Resultats) -> pd.DataFrame | None:
    """The digital budget by the city's direction, when the file has that column; else None."""
    return _repartition(res.numeriques, ["direction"]) if "direction" in res.numeriques else None


def montant_categorie(res: Resultats, categorie_id: str) -> float | None:
    """The euros of one category, or None when the perimeter has no such category (the data does not say)."""
    if categorie_id not in set(res.regles["categorie_id"]):
        return None
    return montant(res.numeriques.loc[res.numeriques["categorie_id"] == categorie_id, "montant"].sum())


def part_dsi_fonctionnement(res: Resultats) -> float | None:
    """The DSI's operating section as a share of the digital budget; None when the perimeter does not isolate it,
    or when its rules catch no line of the year (a rule written for another spelling of the direction, a function
    code that lost its zero): the page then says the data does not distinguish it, as for the sites and inclusion,
    never « 0 % », and the audit page lists the rules that catch nothing."""
    dsi = res.numeriques["categorie_id"] == DSI_FONCTIONNEMENT
    total = res.numeriques["montant"].sum()
    return float(res.numeriques.loc[dsi, "montant"].sum() / total) if dsi.any() and total else None


def detail_categorie(res: Resultats, categorie_id: str) -> pd.DataFrame | str:
    """The lines of a category grouped by what names them (the city's `libelle_ligne`, else the operation, else the
    account's label) with their amounts — e.g. each site and application — or « la donnée ne le distingue pas »."""
    lignes = res.numeriques[res.numeriques["categorie_id"] == categorie_id]
    if lignes.empty:
        return NON_DISTINGUE
    for c in ("libelle_ligne", "BGT_OPERATION", "BGT_CONTNAT_LABEL"):
        if c in lignes and (lignes[c] != "").all():
            return _repartition(lignes, [c]).rename(columns={c: "intitule"})
    return NON_DISTINGUE


def lignes_numeriques(res: Resultats, colonnes_ville: list[str] | None = None) -> pd.DataFrame:
    """Every digital line with the rule that caught it (audit page, workbook): so any euro can be traced."""
    ville = [c for c in (colonnes_ville or []) if c in res.numeriques]
    cols = ["ligne", "regle", "categorie", "BGT_SECTION", "BGT_CONTNAT", "BGT_CONTNAT_LABEL", "BGT_FONCTION",
            "BGT_OPERATION", *ville, "montant_ligne", "part", "montant"]
    return res.numeriques[cols].sort_values(["ligne", "regle"]).reset_index(drop=True)


def evolution(res: Resultats) -> pd.DataFrame | None:
    """Each share and category in year Y−1 and Y, when the file has the compte administratif of Y−1; else None."""
    prec = res.annee - 1
    if prec not in res.annees:
        return None
    m = res.mandate.set_index(["annee", "section"])
    rows = []
    for s in (*SECTIONS, "total"):
        def part(a, s=s):
            if s == "total":
                num, tot = m.loc[a, "budget_numerique"].sum(), m.loc[a, "budget_total"].sum()
            else:
                num, tot = m.loc[(a, s), "budget_numerique"], m.loc[(a, s), "budget_total"]
            return num / tot if tot else np.nan
        rows.append({"quoi": f"part.{s}", "precedente": part(prec), "annee": part(res.annee)})
    out = pd.DataFrame(rows)
    out["ecart"] = out["annee"] - out["precedente"]
    return out


def evolution_categories(res: Resultats, lignes: Lignes, perimetre: Perimetre) -> pd.DataFrame | None:
    """Each category's euros in Y−1 and Y (the same perimeter applied to both years), when Y−1 is present."""
    prec = res.annee - 1
    if prec not in res.annees:
        return None
    if res.attribuees is not None:  # the rows `attribuer` gives the year's lines alone, in the same order
        attrib = res.attribuees[res.attribuees["BGT_ANNEE"] == prec]
    else:
        attrib = attribuer(mandatees(lignes, prec), perimetre, lignes.fichier)
    avant = attrib.groupby("categorie_id")["montant"].sum()
    apres = res.numeriques.groupby("categorie_id")["montant"].sum()
    cats = perimetre.regles.drop_duplicates("categorie_id")[["categorie_id", "categorie"]].reset_index(drop=True)
    cats["precedente"] = cats["categorie_id"].map(avant).fillna(0.0).round(DECIMALES_MONTANTS).to_numpy()
    cats["annee"] = cats["categorie_id"].map(apres).fillna(0.0).round(DECIMALES_MONTANTS).to_numpy()
    cats["ecart"] = cats["annee"] - cats["precedente"]
    return cats


def chiffres(res: Resultats) -> list[dict]:
    """The figures the lines add to the report (today's ids come from `budget.chiffres` on `res.mandate`)."""
    p = f"budget.{res.annee}"
    total = float(res.numeriques["montant"].sum())
    out = []
    for _, row in par_categorie(res).iterrows():
        c = row["categorie_id"]
        out += [
            chiffre(f"{p}.categorie.{c}.montant", f"Budget numérique mandaté en {res.annee}, catégorie « "
                    f"{row['categorie']} »", montant(row["montant"]), "EUR",
                    f"somme des montants × part des lignes des règles de la catégorie {c}"),
            chiffre(f"{p}.categorie.{c}.part", f"Part de la catégorie « {row['categorie']} » dans le budget "
                    f"numérique {res.annee}", row["part"], "ratio", f"{p}.categorie.{c}.montant / {p}.total.numerique"),
        ]
    dsi = part_dsi_fonctionnement(res)
    if dsi is not None:
        out.append(chiffre(f"{p}.dsi_fonctionnement.part", f"Part du fonctionnement de la DSI dans le budget "
                           f"numérique {res.annee}", dsi, "ratio",
                           f"{p}.categorie.{DSI_FONCTIONNEMENT}.montant / {p}.total.numerique"))
    out += [
        chiffre(f"{p}.lignes.numeriques", f"Lignes du compte administratif {res.annee} comptées dans le budget "
                "numérique", int(res.numeriques["ligne"].nunique()), "count",
                "lignes de dépense réelle prises par au moins une règle du périmètre"),
        chiffre(f"{p}.lignes.ordre_exclues", f"Lignes d'ordre du compte administratif {res.annee} (dépenses), "
                "exclues des totaux", len(res.ordre), "count", "lignes BGT_OPBUDG = ordre, BGT_CODRD = dépense"),
    ]
    evo = evolution(res)
    if evo is not None and total:
        e = evo.set_index("quoi").loc["part.total"]
        out.append(chiffre(f"{p}.evolution.total.part", f"Évolution de la part du numérique dans le budget mandaté, "
                           f"de {res.annee - 1} à {res.annee} (en points)", e["ecart"], "points",
                           f"{p}.total.part - budget.{res.annee - 1}.total.part"))
    return out


# read ahead, and the rules applied, while the kernel starts (rapports.toml, [rapport.prelecture]): in the kernel, the
# half second the read and the rules take on a large city's file is then a load of what a child computed
@prelecture.lecteur(avec=("perimetre", "annee"))
def charger(chemin_lignes: str | Path, chemin_perimetre: str | Path = PERIMETRE,
            annee: int = 2025) -> tuple[Lignes, Perimetre, Resultats]:
    """Read both files and apply the rules: what the budget notebook calls when it is given `lignes` (its
    errors in that order: the lines, the perimeter, then the rules)."""
    lignes = lire_lignes(chemin_lignes)
    perimetre = lire_perimetre(chemin_perimetre)
    return lignes, perimetre, calculer(lignes, perimetre, annee)
