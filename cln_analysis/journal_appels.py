"""Reader of the switchboard's per-call log: one row per call, as the project documents it or as 3CX
exports its call-detail records, mapped through `data/raw/journal_colonnes.csv`.

The caller's number is personal data. At reading it becomes a keyed pseudonym (HMAC-SHA-256 under a key
drawn for this reading with `secrets.token_bytes` and never written), then a bare integer code: the
returned table holds no number and no pseudonym text, and nothing here keeps the numbers after reading —
except what the caller's `collecte` callable (the run's last privacy scan) chooses to hold in memory.
Messages name file, row and column (letter and title), never a cell of the file.

The reading itself (bytes, encoding, separator, workbook) is one function, `_tableau`, so that it can move
onto the shared reading layer; the rest maps columns and applies the log's rules, vectorised (a million
calls read in seconds).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, lecture
from .erreurs import ErreurDonnees, Probleme
from .lecture.ouvrir import detecter_separateur, est_classeur, lignes_csv, octets, texte_csv

#: A log of its own size: a year of calls exceeds the 50 Mo of the other inputs; ten years of the
#: switchboard (a million calls, ~60 Mo in the project's columns, several times more as 3CX writes them) fit.
TAILLE_MAX = 512 * 1024 * 1024

#: Our columns, in order.
COLONNES = ["debut", "appelant", "parcours", "attente_s", "duree_s"]
#: The call's outcomes (the issue's definitions).
PARCOURS = ["agent", "perdu", "callbot_resolu", "callbot_abandon", "callbot_transfert_agent",
            "callbot_transfert_perdu"]
#: Caller numbers that mean « withheld » (compared in lower case), beside the empty cell.
MASQUES = ("anonyme", "anonymous", "masqué", "masque", "inconnu", "unknown")
#: Problems of one kind listed at most (a refusal shows the first ones and counts nothing more: a file with a
#: million bad rows is refused as fast as one with a single bad row).
_PLAFOND = 100
#: Code of a withheld caller in the `appelant` column.
MASQUE = -1

#: The columns each preset needs (our names); the others are optional.
_REQUISES = {
    "projet": ["debut", "appelant", "parcours", "attente_s"],
    "3cx": ["debut", "decroche", "fin", "appelant", "dernier_poste", "fin_par", "chaine"],
}
#: Columns whose text is personal data besides the caller's number (handed to `collecte`, never kept).
_PERSONNELLES = ("appelant", "appele", "nom_affiche", "chaine")
#: Date forms accepted, tried in order on what the previous did not read (ISO first).
_FORMATS_DATE = ("ISO8601", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                 "%d/%m/%Y")


@dataclass(frozen=True)
class Journal:
    """A per-call log as read: `appels` has one row per call, columns `debut` (datetime64, local time),
    `appelant` (int64 code of the keyed pseudonym, `MASQUE` when withheld), `masque` (bool), `parcours`
    (category of `PARCOURS`), `attente_s` and `duree_s` (float, NaN when empty), in the file's order."""

    appels: pd.DataFrame
    fichier: str
    jeu: str
    description: str

    def __repr__(self) -> str:  # never the table: its codes are pseudonyms
        return (f"Journal({self.fichier!r}, jeu={self.jeu!r}, {len(self.appels)} appels, "
                f"{int(self.appels['masque'].sum())} numéros masqués)")

    __str__ = __repr__


# --------------------------------------------------------------------------- the mapping

def _cle(titre: str) -> str:
    """A header as compared: case, spaces, `-` and `_` do not matter (3CX writes `time-start` or `time_start`)."""
    return re.sub(r"[\s_\-]+", "_", str(titre).strip().lstrip("\ufeff").lower())


@dataclass(frozen=True)
class Jeu:
    """One preset of the mapping: our column → their header, and their values → ours, per column."""

    nom: str
    entetes: dict[str, str]
    valeurs: dict[str, dict[str, str]]


def mappages(chemin: str | Path | None = None) -> list[Jeu]:
    """The presets of the mapping file (`data/raw/journal_colonnes.csv` by default)."""
    chemin = Path(chemin or config.raw_file("journal_colonnes.csv"))
    table = pd.read_csv(chemin, dtype=str, keep_default_na=False)
    jeux = []
    for nom, g in table.groupby("jeu", sort=False):
        entetes = {r.notre_colonne: r.leur_entete for r in g.itertuples() if r.leur_entete}
        valeurs: dict[str, dict[str, str]] = {}
        for r in g.itertuples():
            if r.leur_valeur:
                valeurs.setdefault(r.notre_colonne, {})[r.leur_valeur.strip().lower()] = r.notre_valeur
        jeux.append(Jeu(str(nom), entetes, valeurs))
    return jeux


def _choisir(entete: list[str], jeux: list[Jeu], nom: str) -> tuple[Jeu, dict[str, int]]:
    """The preset whose required headers the file has, with {our column: position}; or a refusal that
    lists what each preset expects."""
    positions = {_cle(h): i for i, h in reversed(list(enumerate(entete)))}
    for jeu in jeux:
        requises = _REQUISES.get(jeu.nom, [c for c in jeu.entetes if c in COLONNES])
        if all(_cle(jeu.entetes.get(c, "")) in positions for c in requises):
            return jeu, {c: positions[_cle(t)] for c, t in jeu.entetes.items() if _cle(t) in positions}
    attendus = " ; ".join(
        f"{j.nom} : " + ", ".join(j.entetes[c] for c in _REQUISES.get(j.nom, j.entetes) if c in j.entetes)
        for j in jeux)
    raise ErreurDonnees(Probleme(nom, "en-têtes inconnus : aucune correspondance de colonnes ne les reconnaît",
                                 ligne=1, conseil=f"en-têtes attendus ({attendus}) ; ou ajoutez une "
                                                  "correspondance dans data/raw/journal_colonnes.csv"))


# --------------------------------------------------------------------------- reading

def _xlsx(chemin: Path) -> tuple[list[str], pd.DataFrame, np.ndarray, str]:
    """A workbook, through the reading layer (`lecture.ouvrir`): its first sheet, a personal file."""
    t = lecture.ouvrir(chemin, lecture.Format(taille_max=TAILLE_MAX, personnel=True, horodatages=True,
                                              colonnes_attendues=("debut", "time-start", "time_start")))
    largeur = len(t.entete)
    corps = pd.DataFrame([(r + [""] * largeur)[:largeur] for _, r in t.lignes], columns=range(largeur), dtype=object)
    return t.entete, corps, np.asarray([n for n, _ in t.lignes], dtype=np.int64), t.description()


#: A call log has one call a line: a quoted cell over several lines is a stray quote (`lecture.Format`)
_UNE_LIGNE = lecture.Format(personnel=True, une_ligne_par_enregistrement=True)


def _tableau(chemin: Path, nom: str) -> tuple[list[str], pd.DataFrame, np.ndarray, str]:
    """(header, body as text with columns numbered from 0, each row's line in the file, description): the
    one place that opens the file, on the reading layer (`lecture.ouvrir`'s bytes, encodings, separators and
    workbooks, with the log's own size limit). A CSV body is split by pandas' C parser rather than row by row:
    a million calls in seconds, within the benchmark's memory."""
    raw = octets(chemin, TAILLE_MAX)
    if est_classeur(raw):
        del raw
        return _xlsx(chemin)
    text, encodage, decalage = texte_csv(raw, nom)
    del raw
    premiere = text.split("\n", 1)[0].rstrip("\r")
    sep = detecter_separateur(premiere, ["debut", "time-start", "time_start"])
    entete = next(csv.reader([premiere], delimiter=sep)) if premiere.strip() else []
    entete = [h.strip().lstrip("\ufeff") for h in entete]
    if not entete:
        raise ErreurDonnees(Probleme(nom, "le fichier est vide"))
    try:
        corps = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            header=None, skiprows=1, names=range(len(entete)), engine="c", skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        if '"' in text:  # a stray quote (never closed, or a cell over lines): refused where it opens, with its column
            try:
                lignes_csv(text, sep, nom, decalage, _UNE_LIGNE)
            except ErreurDonnees as refus:  # the reading layer names a personal file's column by its letter
                raise _avec_titres(refus, entete) from None
        m = re.search(r"line (\d+)", str(exc))
        raise ErreurDonnees(Probleme(nom, "une ligne a plus de cellules que l'en-tête de colonnes, ou des "
                                          "guillemets mal fermés", ligne=int(m.group(1)) + decalage if m else None,
                                     conseil="une valeur contient peut-être le séparateur ; mettez-la entre "
                                             "guillemets")) from None
    # a row narrower than the header: its missing cells are empty (its last cell is then missing: one column tells)
    if len(corps.columns) and corps[corps.columns[-1]].isna().to_numpy().any():
        corps = corps.fillna("")
    # each row's line: one record per line is the common case; otherwise number them as the csv module reads.
    # Without a quote no record spans lines, so as many records as lines means no blank line was skipped; with
    # quotes, a skipped blank line and a record over two lines could cancel out, hence the search for the first.
    lignes_texte = text.count("\n") + (not text.endswith("\n"))
    vide = '"' in text and re.search(r"(?:^|\n)[^\S\n]*(?:" + re.escape(sep) + r"[^\S\n]*)*(?:\n|$)",
                                     text.rstrip("\r\n"))
    if len(corps) == lignes_texte - 1 and not vide:
        numeros = np.arange(2 + decalage, 2 + decalage + len(corps), dtype=np.int64)
    else:
        try:
            lues = lignes_csv(text, sep, nom, decalage, _UNE_LIGNE)
        except ErreurDonnees as refus:
            raise _avec_titres(refus, entete) from None
        numeros = np.asarray([n for n, r in lues[1:] if "".join(r).strip()], dtype=np.int64)
        if len(numeros) != len(corps):
            numeros = np.arange(2 + decalage, 2 + decalage + len(corps), dtype=np.int64)
    lu = lecture.Tableau(chemin, "csv" if (encodage == "utf-8" and sep == ",") else "csv-excel",
                         encodage=encodage, separateur=sep, personnel=True)
    return entete, corps, numeros, lu.description()


def _colonne(entete: list[str], i: int) -> str:
    """A column as a message names it: its letter and its title (a header is no personal data)."""
    return f"{lecture.lettre(i)} ({entete[i]})"


def _avec_titres(refus: ErreurDonnees, entete: list[str]) -> ErreurDonnees:
    """The reading layer's refusal with each column it names by its letter named as the log's other messages name
    it (`_colonne`: its letter and its title)."""
    lettres = {lecture.lettre(i): i for i in range(len(entete))}
    return ErreurDonnees([replace(p, colonne=_colonne(entete, lettres[p.colonne]))
                          if p.colonne in lettres else p for p in refus.problemes])


def _refuser(problemes: list[Probleme]) -> None:
    """Refuse with the first problems (the message counts the others)."""
    if problemes:
        problemes.sort(key=lambda p: p.ligne or 0)
        raise ErreurDonnees(problemes)


def _par_valeur(texte: pd.Series, fonction) -> pd.Series:
    """`fonction` applied to each distinct text once, mapped back to the rows (a log repeats its values: a
    million waits hold a few thousand distinct texts)."""
    codes, uniques = pd.factorize(texte)
    valeurs = fonction(pd.Series(uniques, dtype=object))
    return pd.Series(np.asarray(valeurs)[codes], index=texte.index)


def _dates(texte: pd.Series) -> pd.Series:
    """Date-times in any accepted form (vectorised; NaT where none reads). The project's and 3CX's own form
    (`2026-04-06 08:31:00`) is read first, in C; the others only on what it did not read."""
    out = pd.to_datetime(texte, format="%Y-%m-%d %H:%M:%S", errors="coerce").astype("datetime64[ns]")
    reste = out.isna().to_numpy()
    if reste.any():
        t = texte[reste].str.strip()
        for fmt in _FORMATS_DATE:
            a_lire = (t != "") & out[reste].isna()
            if not a_lire.any():
                break
            lu = pd.to_datetime(t[a_lire], format=fmt, errors="coerce")
            if getattr(lu.dt, "tz", None) is not None:  # an offset written in the file: its local time is kept
                lu = lu.dt.tz_localize(None)
            lu = lu.astype("datetime64[ns]")
            out.loc[lu.index[lu.notna()]] = lu[lu.notna()]
    return out


def _secondes(texte: pd.Series) -> pd.Series:
    def lire(u: pd.Series) -> pd.Series:
        t = u.str.replace(",", ".", regex=False).str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        return pd.to_numeric(t.mask(t == ""), errors="coerce")

    return _par_valeur(texte, lire).astype(float)


def _pseudonymes(numeros: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, withheld) of the callers: equal numbers (written with or without spaces, dots, +33) get equal
    codes; each code stands for an HMAC-SHA-256 of the number under a key drawn here and dropped on return."""
    cle = secrets.token_bytes(32)
    codes_texte, textes = pd.factorize(numeros)  # each distinct text is normalised once
    t = pd.Series(textes, dtype=object).str.strip()
    masque_u = ((t == "") | t.str.lower().isin(MASQUES)).to_numpy()
    norm = t.str.replace(r"[\s.\-()/\u00a0\u202f]", "", regex=True).str.replace(r"^(\+33|0033)", "0", regex=True)
    codes_norm, uniques = pd.factorize(norm.where(~masque_u, ""))
    codes_bruts, masque = codes_norm[codes_texte], masque_u[codes_texte]
    empreintes = np.array([hmac.new(cle, u.encode("utf-8"), hashlib.sha256).digest() for u in uniques], dtype=object)
    del cle, uniques
    # the integer code ranks the pseudonym, so it says nothing of the number (nor of the file's order)
    rang = np.empty(len(empreintes), dtype=np.int64)
    rang[np.argsort(empreintes, kind="stable")] = np.arange(len(empreintes))
    codes = rang[codes_bruts]
    codes[masque] = MASQUE
    return codes, masque


def lire_journal(chemin: str | Path, *, mappage: str | Path | None = None, poste_callbot: str = "800",
                 file_agents: str = "8000", collecte: Callable[[Iterable[str]], None] | None = None) -> Journal:
    """Read a per-call log, or refuse it in French naming file, row and column.

    `poste_callbot`, `file_agents`: the callbot's extension and the agents' queue, as 3CX names them in its
    `chain` and `final-dn` fields (3CX preset only). `collecte`: called once with every personal string read
    (caller numbers, called numbers, display names, chains) for the run's last privacy scan; nothing here
    keeps them. By default they go to the run's collector (`lecture.collecte`), when a run collects."""
    chemin = Path(chemin)
    nom = config.display_path(chemin)
    entete, corps, numeros, description = _tableau(chemin, nom)
    jeu, pos = _choisir(entete, mappages(mappage), nom)
    collecte = collecte if collecte is not None else lecture.signaler  # the run's collector, if one collects
    if collecte is not lecture.signaler or lecture.collecte.courant() is not None:
        for c in _PERSONNELLES:
            if c in pos:
                collecte(v for v in pd.unique(corps[pos[c]]) if v.strip() and v.strip().lower() not in MASQUES)
    if jeu.nom == "3cx":
        brut = _depuis_3cx(corps, pos, jeu, entete, numeros, nom, poste_callbot, file_agents)
    else:
        brut = _depuis_projet(corps, pos, jeu, entete, numeros, nom)
    codes, masque = _pseudonymes(corps[pos["appelant"]])
    del corps
    appels = pd.DataFrame({"debut": brut["debut"].to_numpy(), "appelant": codes, "masque": masque,
                           "parcours": pd.Categorical(brut["parcours"], categories=PARCOURS),
                           "attente_s": brut["attente_s"].to_numpy(dtype=float),
                           "duree_s": brut["duree_s"].to_numpy(dtype=float)})
    return Journal(appels, nom, jeu.nom, description)


def _debut(corps, pos, entete, numeros, nom, colonne="debut") -> tuple[pd.Series, list[Probleme]]:
    debut = _dates(corps[pos[colonne]])
    mauvais = np.flatnonzero(debut.isna().to_numpy())[:_PLAFOND]
    return debut, [Probleme(nom, "date et heure illisibles (attendu : 2026-04-06 08:31:00 ou 06/04/2026 08:31)",
                            ligne=int(numeros[i]), colonne=_colonne(entete, pos[colonne])) for i in mauvais]


def _depuis_projet(corps, pos, jeu, entete, numeros, nom) -> dict:
    debut, problemes = _debut(corps, pos, entete, numeros, nom)
    valeurs = {k: v for k, v in jeu.valeurs.get("parcours", {}).items()}
    parcours = _par_valeur(corps[pos["parcours"]], lambda u: u.str.strip().str.lower().map(valeurs))
    for i in np.flatnonzero(parcours.isna().to_numpy())[:_PLAFOND]:
        problemes.append(Probleme(nom, "parcours inconnu", ligne=int(numeros[i]),
                                  colonne=_colonne(entete, pos["parcours"]),
                                  conseil="valeurs attendues : " + ", ".join(PARCOURS)))
    attente = _secondes(corps[pos["attente_s"]])
    duree = _secondes(corps[pos["duree_s"]]) if "duree_s" in pos else pd.Series(np.nan, index=corps.index)
    for nom_col, s in (("attente_s", attente), ("duree_s", duree)):
        if nom_col not in pos:
            continue
        vide = _par_valeur(corps[pos[nom_col]], lambda u: u.str.strip() == "").astype(bool)
        for i in np.flatnonzero((s.isna() & ~vide).to_numpy())[:_PLAFOND]:
            problemes.append(Probleme(nom, "nombre de secondes illisible", ligne=int(numeros[i]),
                                      colonne=_colonne(entete, pos[nom_col])))
        for i in np.flatnonzero((s < 0).to_numpy())[:_PLAFOND]:
            problemes.append(Probleme(nom, "durée négative", ligne=int(numeros[i]),
                                      colonne=_colonne(entete, pos[nom_col])))
    _refuser(problemes)
    return {"debut": debut, "parcours": parcours, "attente_s": attente, "duree_s": duree}


def _contient(serie: pd.Series, jeton: str) -> np.ndarray:
    return serie.str.contains(rf"(?<![0-9A-Za-z]){re.escape(jeton)}(?![0-9A-Za-z])", regex=True).to_numpy()


def _depuis_3cx(corps, pos, jeu, entete, numeros, nom, poste_callbot, file_agents) -> dict:
    """Our columns from 3CX call-detail records. The assumptions (stated in docs/guide.md, to be checked on
    the first real export): the callbot took the call when its extension is in `chain`; the call reached the
    agents' queue when the queue is in `chain`; an agent answered when `final-dn` is neither the queue nor
    the callbot; in the callbot alone, `reason-terminated` says who hung up (the caller: an abandon; the
    callbot: resolved). The wait is `time-answered − time-start` (answered) or `time-end − time-start`
    (lost) for calls that did not go through the callbot; 3CX's one-row record does not date a transfer's
    entry into the queue, so a transferred call has no wait."""
    debut, problemes = _debut(corps, pos, entete, numeros, nom)
    decroche, fin = _dates(corps[pos["decroche"]]), _dates(corps[pos["fin"]])
    for col, s in (("decroche", decroche), ("fin", fin)):
        illisible = s.isna() & (corps[pos[col]].str.strip() != "")
        for i in np.flatnonzero(illisible.to_numpy())[:_PLAFOND]:
            problemes.append(Probleme(nom, "date et heure illisibles", ligne=int(numeros[i]),
                                      colonne=_colonne(entete, pos[col])))
    fin_par = _par_valeur(corps[pos["fin_par"]],
                          lambda u: u.str.strip().str.lower().map(jeu.valeurs.get("fin_par", {})))
    for i in np.flatnonzero(fin_par.isna().to_numpy())[:_PLAFOND]:
        problemes.append(Probleme(nom, "fin d'appel inconnue", ligne=int(numeros[i]),
                                  colonne=_colonne(entete, pos["fin_par"]),
                                  conseil="valeurs attendues : " + ", ".join(jeu.valeurs.get("fin_par", {}))))
    chaine = corps[pos["chaine"]]
    dernier = _par_valeur(corps[pos["dernier_poste"]],
                          lambda u: u.str.strip().str.replace(r"^(?i:ext\.?\s*)", "", regex=True))
    bot, file = _contient(chaine, poste_callbot), _contient(chaine, file_agents)
    sans_agent = dernier.isin([poste_callbot, file_agents, ""]).to_numpy()
    perdu_file = (dernier == file_agents).to_numpy() | (file & sans_agent)
    parcours = np.select(
        [~bot & file & perdu_file, ~bot, bot & ~file & (fin_par == "usager").to_numpy(), bot & ~file,
         bot & file & perdu_file],
        ["perdu", "agent", "callbot_abandon", "callbot_resolu", "callbot_transfert_perdu"],
        default="callbot_transfert_agent")
    attente = np.where(~bot & (parcours == "agent"), (decroche - debut).dt.total_seconds(),
                       np.where(~bot & (parcours == "perdu"), (fin - debut).dt.total_seconds(), np.nan))
    duree = np.where(np.isin(parcours, ["agent", "callbot_transfert_agent"]), (fin - decroche).dt.total_seconds(),
                     np.nan)
    for i in np.flatnonzero(attente < 0)[:_PLAFOND]:
        problemes.append(Probleme(nom, "décroché avant l'arrivée de l'appel (attente négative)",
                                  ligne=int(numeros[i]), colonne=_colonne(entete, pos["decroche"])))
    _refuser(problemes)
    return {"debut": debut, "parcours": pd.Series(parcours), "attente_s": pd.Series(attente),
            "duree_s": pd.Series(duree)}
