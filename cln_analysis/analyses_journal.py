"""The trial measured from the per-call log: pure functions, tables in, tables and figures out.

Input: the `appels` table of `journal_appels.Journal` (one row per call: `debut`, `appelant` code,
`masque`, `parcours`, `attente_s`, `duree_s`). Outputs: the monthly columns of the calls file (so every
figure, rule and verdict of the `appels` report works unchanged on a log), the waits among the calls an agent
answered, the calls back within `delai_rappel_h`, the out-of-hours calls and the load by weekday and hour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .erreurs import ErreurParametre
from .journal_appels import PARCOURS
from .registre import chiffre

HORAIRES_DEFAUT = "lun-ven 08:30-17:30"
DELAI_RAPPEL_H = 24
JOURS = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
JOURS_LONGS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

#: Calls an agent answered, calls lost in the agents' queue, calls the callbot took.
REPONDUS = ["agent", "callbot_transfert_agent"]
PERDUS = ["perdu", "callbot_transfert_perdu"]
CALLBOT = ["callbot_resolu", "callbot_abandon", "callbot_transfert_agent", "callbot_transfert_perdu"]
#: The monthly columns of the calls file (resource `appels_standard`), in its order.
COLONNES_MENSUELLES = ["periode", "appels_recus", "appels_perdus", "appels_repondus", "appels_callbot",
                       "resolus_callbot", "abandons_callbot", "transferts_agent", "appels_hors_horaires",
                       "attente_moyenne_s"]
ESSAI = ["appels_callbot", "resolus_callbot", "abandons_callbot", "transferts_agent"]
#: The wait classes of the distribution chart (upper bounds in seconds, inclusive) and their labels.
CLASSES_ATTENTE = [(20, "20 s ou moins"), (60, "de 21 s à 1 min"), (120, "de 1 à 2 min"), (300, "de 2 à 5 min"),
                   (600, "de 5 à 10 min"), (900, "de 10 à 15 min"), (math.inf, "plus de 15 min")]


# --------------------------------------------------------------------------- opening hours

@dataclass(frozen=True)
class Horaires:
    """Opening hours: for each weekday (0 = Monday), the [start, end) ranges in minutes after midnight."""

    texte: str
    plages: tuple[tuple[tuple[int, int], ...], ...]
    feries: bool = True  # closed on French public holidays


_JOUR_RE = r"(lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?"
_HEURE_RE = r"(\d{1,2})(?:[:h](\d{2})?)?"


def lire_horaires(texte: str, feries: bool = True) -> Horaires:
    """Parse French opening hours: « lun-ven 08:30-17:30 », « lun-ven 08:30-12:00, 13:30-17:30 ; sam
    9h-12h » (groups separated by « ; », days as a range « lun-ven » or a list « lun, mer »)."""
    plages: list[list[tuple[int, int]]] = [[] for _ in JOURS]
    t = texte.strip().lower()
    if not t:
        raise ErreurParametre("horaires : vide (exemple : « lun-ven 08:30-17:30 »)")
    for groupe in re.split(r"\s*;\s*", t):
        m = re.fullmatch(rf"((?:{_JOUR_RE}\s*(?:[-,à]\s*|et\s+)?)+)\s+(.+)", groupe)
        if not m:
            raise ErreurParametre(f"horaires : « {groupe} » illisible (exemple : « lun-ven 08:30-17:30 »)")
        jours_txt, heures_txt = m.group(1), m.group(m.lastindex)
        jours: set[int] = set()
        for morceau in re.finditer(rf"{_JOUR_RE}(?:\s*(?:-|à)\s*{_JOUR_RE})?", jours_txt):
            debut = JOURS.index(morceau.group(1))
            fin = JOURS.index(morceau.group(2)) if morceau.group(2) else debut
            if fin < debut:
                raise ErreurParametre(f"horaires : « {morceau.group(0)} » va à rebours")
            jours.update(range(debut, fin + 1))
        for p in re.split(r"\s*(?:,|et)\s*", heures_txt.strip()):
            h = re.fullmatch(rf"{_HEURE_RE}\s*(?:-|à)\s*{_HEURE_RE}", p)
            if not h:
                raise ErreurParametre(f"horaires : « {p} » n'est pas une plage horaire (exemple : 08:30-17:30)")
            a = int(h.group(1)) * 60 + int(h.group(2) or 0)
            b = int(h.group(3)) * 60 + int(h.group(4) or 0)
            if not (0 <= a < b <= 24 * 60) or int(h.group(2) or 0) > 59 or int(h.group(4) or 0) > 59:
                raise ErreurParametre(f"horaires : « {p} » n'est pas une plage horaire valide")
            for j in jours:
                plages[j].append((a, b))
    return Horaires(texte, tuple(tuple(sorted(p)) for p in plages), feries)


def jours_feries(annees) -> set:
    """French public holidays (metropolitan France) of the given years, from the `holidays` package."""
    return set(_feries(tuple(sorted({int(a) for a in annees}))))


@lru_cache(maxsize=16)
def _feries(annees: tuple[int, ...]) -> tuple:
    import holidays  # here only: a second to import, and only a call log needs it

    return tuple(holidays.France(years=annees).keys())


def hors_horaires(debut: pd.Series, horaires: Horaires) -> np.ndarray:
    """True for each call that arrived while the switchboard was closed (vectorised)."""
    d = pd.to_datetime(debut)
    jour, minute = d.dt.day_of_week.to_numpy(), (d.dt.hour * 60 + d.dt.minute).to_numpy()
    ouvert = np.zeros(len(d), dtype=bool)
    for j, plages in enumerate(horaires.plages):
        for a, b in plages:
            ouvert |= (jour == j) & (minute >= a) & (minute < b)
    if horaires.feries and len(d):
        feries = np.array(sorted(jours_feries(d.dt.year.unique())), dtype="datetime64[D]")
        ouvert &= ~np.isin(d.to_numpy().astype("datetime64[D]"), feries)
    return ~ouvert


# --------------------------------------------------------------------------- monthly columns

def _cle_mois(debut: pd.Series) -> np.ndarray:
    """Each call's month as the integer AAAAMM."""
    return debut.dt.year.to_numpy() * 100 + debut.dt.month.to_numpy()


def _texte_mois(cles) -> list[str]:
    return [f"{u // 100:04d}-{u % 100:02d}" for u in cles]


def _essai(appels: pd.DataFrame, cle: np.ndarray | None = None) -> np.ndarray:
    """True for the calls of a trial month: a month in which the log has at least one callbot call."""
    cle = _cle_mois(appels["debut"]) if cle is None else cle
    return np.isin(cle, np.unique(cle[appels["parcours"].isin(CALLBOT).to_numpy()]))


def _codes_parcours(appels: pd.DataFrame) -> np.ndarray:
    """Each call's outcome as its position in `PARCOURS` (read by integer counts, not by text)."""
    return np.asarray(pd.Categorical(appels["parcours"], categories=PARCOURS).codes, dtype=np.int64)


def mensuel(appels: pd.DataFrame, horaires: Horaires) -> pd.DataFrame:
    """The log aggregated to months, in the columns of the monthly calls file: the trial columns filled on
    a month with callbot calls, empty before (as the officer types them); and `hors_horaires_callbot`, the
    out-of-hours calls the callbot picked up, on trial months (a typed file has no such column). Counted as
    integers per month and outcome (a million calls in a fraction of a second)."""
    cle = _cle_mois(appels["debut"])
    mois, codes = np.unique(cle, return_inverse=True)
    k, np_ = len(mois), len(PARCOURS)
    parcours = _codes_parcours(appels)
    comptes = np.bincount(codes * np_ + parcours, minlength=k * np_).reshape(k, np_)

    def somme(quels: list[str]) -> np.ndarray:
        return comptes[:, [PARCOURS.index(q) for q in quels]].sum(axis=1)

    hors = hors_horaires(appels["debut"], horaires)
    callbot = np.isin(parcours, [PARCOURS.index(q) for q in CALLBOT])
    out = pd.DataFrame({"periode": _texte_mois(mois), "appels_recus": np.bincount(codes, minlength=k),
                        "appels_perdus": somme(PERDUS), "appels_repondus": somme(REPONDUS),
                        "appels_callbot": somme(CALLBOT), "resolus_callbot": somme(["callbot_resolu"]),
                        "abandons_callbot": somme(["callbot_abandon"]),
                        "transferts_agent": somme(["callbot_transfert_agent", "callbot_transfert_perdu"])})
    avant = out["appels_callbot"] == 0
    for c in ESSAI:
        out[c] = out[c].astype("Int64").mask(avant)
    out["appels_hors_horaires"] = pd.array(np.bincount(codes[hors], minlength=k), dtype="Int64")
    # the out-of-hours calls the callbot picked up: what a typed file cannot say (issue 22's « 24 h/24 »)
    out["hors_horaires_callbot"] = pd.array(np.bincount(codes[hors & callbot], minlength=k),
                                            dtype="Int64")
    out["hors_horaires_callbot"] = out["hors_horaires_callbot"].mask(avant)
    repondus = appels["parcours"].isin(REPONDUS).to_numpy() & appels["attente_s"].notna().to_numpy()
    moyenne = appels["attente_s"][repondus].groupby(codes[repondus]).mean()
    out["attente_moyenne_s"] = moyenne.reindex(range(k)).to_numpy(dtype=float)
    for c in ["appels_recus", "appels_perdus", "appels_repondus"]:
        out[c] = out[c].astype("int64")
    return out[COLONNES_MENSUELLES + ["hors_horaires_callbot"]]


# --------------------------------------------------------------------------- waits

def _statistiques(w: np.ndarray, seuil_attente_s: float | None) -> dict:
    n = len(w)
    ligne = {"appels": n}
    if not n:
        return ligne | {k: math.nan for k in ("part_moins_20s", "part_moins_1min", "part_moins_5min",
                                              "part_plus_10min", "mediane_s", "p90_s", "moyenne_s")}
    ligne |= {"part_moins_20s": float((w <= 20).mean()), "part_moins_1min": float((w <= 60).mean()),
              "part_moins_5min": float((w <= 300).mean()), "part_plus_10min": float((w > 600).mean()),
              "mediane_s": float(np.percentile(w, 50)), "p90_s": float(np.percentile(w, 90)),
              "moyenne_s": float(w.mean())}
    if seuil_attente_s is not None:
        ligne["part_moins_seuil"] = float((w <= seuil_attente_s).mean())
    return ligne


#: The two periods of a log, before the trial (False) and during it (True).
PERIODES = ("avant l'essai", "pendant l'essai")


def attentes(appels: pd.DataFrame, seuil_attente_s: float | None = None) -> pd.DataFrame:
    """Waits of the calls an agent answered, and apart those of the lost callers, before and during the
    trial: count, shares within 20 s, 1 min, 5 min (and `seuil_attente_s`), above 10 min, median, 90th
    percentile (linear interpolation, numpy's and pandas' default), mean."""
    essai = _essai(appels)
    attente = appels["attente_s"].to_numpy(float)
    connue = ~np.isnan(attente)
    lignes = []
    for quoi, parcours in (("répondus par un agent", REPONDUS), ("perdus (attente avant de raccrocher)", PERDUS)):
        du_parcours = appels["parcours"].isin(parcours).to_numpy() & connue
        for p, pendant in zip(PERIODES, (False, True), strict=True):
            choix = du_parcours & (essai == pendant)
            if choix.any():
                lignes.append({"appels_de": quoi, "periode": p} | _statistiques(attente[choix], seuil_attente_s))
    return pd.DataFrame(lignes)


def distribution_attentes(appels: pd.DataFrame) -> pd.DataFrame:
    """The chart's table: calls an agent answered, by wait class, before and during the trial (count, share);
    a period without such a call has no rows."""
    attente = appels["attente_s"].to_numpy(float)
    choix = appels["parcours"].isin(REPONDUS).to_numpy() & ~np.isnan(attente)
    pendant = _essai(appels)[choix].astype(np.int64)
    # the class of each wait: the first upper bound at or above it (20 s is « 20 s ou moins »)
    classe = np.searchsorted(np.array([b for b, _ in CLASSES_ATTENTE]), attente[choix], side="left")
    comptes = np.bincount(classe * 2 + pendant, minlength=2 * len(CLASSES_ATTENTE)).reshape(-1, 2)
    lignes = []
    for j, p in enumerate(PERIODES):
        if not (pendant == j).any():
            continue
        total = comptes[:, j].sum()
        for (_, texte), n in zip(CLASSES_ATTENTE, comptes[:, j], strict=True):
            lignes.append({"periode": p, "attente": texte, "appels": int(n), "part": n / total if total else math.nan})
    return pd.DataFrame(lignes, columns=["periode", "attente", "appels", "part"])


# --------------------------------------------------------------------------- calls back

@dataclass(frozen=True)
class Rappels:
    """Calls back within the delay, for one set of calls (callbot-resolved, or lost)."""

    appels: int  # calls of that outcome
    masques: int  # left out: withheld number
    trop_tard: int  # left out: started less than the delay before the log's last call
    comptes: int  # counted
    rappeles: int  # followed by a call from the same number within the delay (start to start, inclusive)

    @property
    def part_rappeles(self) -> float:
        return self.rappeles / self.comptes if self.comptes else math.nan

    @property
    def part_sans_rappel(self) -> float:
        return 1 - self.part_rappeles if self.comptes else math.nan


def rappele(appels: pd.DataFrame, delai_rappel_h: float = DELAI_RAPPEL_H) -> np.ndarray:
    """For each call, True when the same number calls again (whatever the outcome) at most `delai_rappel_h`
    hours after this call's start, start to start. Withheld numbers: False (never linked)."""
    delai = pd.Timedelta(hours=delai_rappel_h)
    ordre = np.lexsort((appels["debut"].to_numpy(), appels["appelant"].to_numpy()))
    code = appels["appelant"].to_numpy()[ordre]
    debut = appels["debut"].to_numpy()[ordre]
    suivant_meme = np.zeros(len(code), dtype=bool)
    suivant_meme[:-1] = code[1:] == code[:-1]
    ecart = np.full(len(code), np.timedelta64("NaT"), dtype="timedelta64[ns]")
    ecart[:-1] = debut[1:] - debut[:-1]
    trie = suivant_meme & (code != -1) & (ecart <= delai.to_timedelta64())
    out = np.empty(len(code), dtype=bool)
    out[ordre] = trie
    return out


def rappels(appels: pd.DataFrame, parcours: list[str], delai_rappel_h: float = DELAI_RAPPEL_H,
            dernier: pd.Timestamp | None = None, parmi: np.ndarray | None = None,
            suivis: np.ndarray | None = None) -> Rappels:
    """The calls back after the calls of `parcours` (only those of `parmi`, e.g. one year's, when given; a
    call back may be any later call of the log). The log's last call, or `dernier`, bounds what can be
    seen: a call that starts less than the delay before it is left out, and counted. `suivis`: `rappele`'s
    result when the caller has it already."""
    if dernier is None:
        dernier = appels["debut"].max()
    choix = appels["parcours"].isin(parcours).to_numpy()
    if parmi is not None:
        choix = choix & parmi
    masque = appels["masque"].to_numpy()
    tard = (appels["debut"] > dernier - pd.Timedelta(hours=delai_rappel_h)).to_numpy()
    r = rappele(appels, delai_rappel_h) if suivis is None else suivis
    compte = choix & ~masque & ~tard
    return Rappels(int(choix.sum()), int((choix & masque).sum()), int((choix & ~masque & tard).sum()),
                   int(compte.sum()), int((compte & r).sum()))


# --------------------------------------------------------------------------- load

def charge(appels: pd.DataFrame) -> pd.DataFrame:
    """The heat map's table: mean calls received per hour, by hour (rows, « 08 h ») and weekday (columns),
    over the days of each weekday between the log's first and last call."""
    d = appels["debut"]
    if not len(d):
        return pd.DataFrame(columns=["heure"] + JOURS_LONGS)
    jours = pd.date_range(d.min().normalize(), d.max().normalize(), freq="D")
    nb_jours = np.bincount(jours.day_of_week, minlength=7).astype(float)
    t = np.bincount(d.dt.hour.to_numpy() * 7 + d.dt.day_of_week.to_numpy(), minlength=24 * 7).reshape(24, 7)
    moyenne = pd.DataFrame(t / np.where(nb_jours > 0, nb_jours, np.nan), columns=JOURS_LONGS)
    moyenne.insert(0, "heure", [f"{h:02d} h" for h in range(24)])
    return moyenne


def heure_pointe(appels: pd.DataFrame) -> dict:
    """The busiest weekday and hour, and its mean calls per hour (what the Erlang C check needs)."""
    t = charge(appels).set_index("heure")
    pile = t.stack()
    (heure, jour) = pile.idxmax()
    return {"jour": jour, "heure": heure, "appels": float(pile.max())}


# --------------------------------------------------------------------------- figures

def chiffres(appels: pd.DataFrame, horaires: Horaires, delai_rappel_h: float = DELAI_RAPPEL_H,
             seuil_attente_s: float | None = None, suivis: np.ndarray | None = None) -> list[dict]:
    """The log's headline figures, per calendar year (ids keep their names whatever the parameters).
    `suivis`: `rappele`'s result when the caller has it already."""
    out = []
    dernier = appels["debut"].max()
    hors = hors_horaires(appels["debut"], horaires)
    essai = _essai(appels)
    suivis = rappele(appels, delai_rappel_h) if suivis is None else suivis
    annees = appels["debut"].dt.year.to_numpy()
    h = f"{delai_rappel_h:g}".replace(".", ",")
    for annee, g in appels.groupby(appels["debut"].dt.year, sort=True):
        p = f"appels.{annee}"
        w = g.loc[g["parcours"].isin(REPONDUS) & g["attente_s"].notna(), "attente_s"].to_numpy(float)
        if len(w):
            s = _statistiques(w, seuil_attente_s)
            base = f"attente_s des appels répondus par un agent (agent, callbot_transfert_agent) en {annee}"
            for cle, texte, formule in (
                    ("part_moins_20s", "attendu 20 secondes ou moins", "part ≤ 20"),
                    ("part_moins_1min", "attendu une minute ou moins", "part ≤ 60"),
                    ("part_moins_5min", "attendu cinq minutes ou moins", "part ≤ 300"),
                    ("part_plus_10min", "attendu plus de dix minutes", "part > 600")):
                out.append(chiffre(f"{p}.attente.{cle}", f"Part des appels répondus par un agent en {annee} qui ont "
                                   f"{texte}", s[cle], "ratio", f"{formule} des {base}", 1))
            out.append(chiffre(f"{p}.attente.mediane_s", f"Attente médiane des appels répondus par un agent en "
                               f"{annee}", s["mediane_s"], "secondes", f"médiane des {base}", 0))
            out.append(chiffre(f"{p}.attente.p90_s", f"Attente que 90 % des appels répondus par un agent en {annee} "
                               "n'ont pas dépassée", s["p90_s"], "secondes",
                               f"90e centile (interpolation linéaire) des {base}", 0))
        sel = annees == annee
        res = rappels(appels, ["callbot_resolu"], delai_rappel_h, dernier, parmi=sel, suivis=suivis)
        if res.comptes:
            out.append(chiffre(f"{p}.resolus_sans_rappel_24h", f"Part des appels résolus par le callbot en {annee} "
                               f"sans nouvel appel du même numéro dans les {h} heures", res.part_sans_rappel, "ratio",
                               f"appels callbot_resolu sans appel du même numéro dans les {h} h (début à début) / "
                               "appels callbot_resolu comptés (hors numéros masqués et appels trop proches de la "
                               "fin du journal)", 1))
        perd = rappels(appels, PERDUS, delai_rappel_h, dernier, parmi=sel, suivis=suivis)
        if perd.comptes:
            out.append(chiffre(f"{p}.perdus_rappeles_24h", f"Part des appels perdus en {annee} suivis d'un nouvel "
                               f"appel du même numéro dans les {h} heures", perd.part_rappeles, "ratio",
                               f"appels perdu ou callbot_transfert_perdu suivis d'un appel du même numéro dans les "
                               f"{h} h / appels perdus comptés", 1))
        hors_essai = sel & essai & hors
        if hors_essai.any():
            callbot = appels["parcours"].isin(CALLBOT).to_numpy()
            out.append(chiffre(f"{p}.hors_horaires.repondus_callbot", f"Part des appels hors horaires des mois de "
                               f"l'expérimentation en {annee} pris par le callbot",
                               float((hors_essai & callbot).sum() / hors_essai.sum()), "ratio",
                               f"appels callbot_* hors horaires ({horaires.texte}, jours fériés fermés) / appels "
                               "hors horaires, mois de l'expérimentation", 1))
        out.append(chiffre(f"{p}.heure_pointe.appels", f"Appels reçus par heure, en moyenne, à l'heure la plus "
                           f"chargée de la semaine en {annee}", heure_pointe(g)["appels"], "count",
                           "maximum, sur les jours et heures de la semaine, des appels reçus dans l'heure / nombre "
                           "de ces jours entre le premier et le dernier appel de l'année", 1))
        out.append(chiffre(f"{p}.numeros_masques", f"Appels à numéro masqué en {annee}", int(g["masque"].sum()),
                           "count", "appels dont l'appelant est vide ou « anonyme »"))
    return out

