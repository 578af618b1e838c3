"""The call log in the `appels` report: read once (through `journal_appels`, on the reading layer), turned into
the monthly columns every existing figure, rule and verdict reads, and into the tables and figures only a log
gives (waits, calls back, out-of-hours answers, load by hour and weekday).

Nothing here keeps a caller's number or pseudonym: the `Journal` table holds integer codes only, and no table or
figure built from it names a caller; the numbers themselves went to the run's collector while reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import analyses_journal as aj
from .. import config
from .. import journal_appels as ja
from ..registre import chiffre
from .erlang import attente_erlang
from .regles import fusionner


@dataclass(frozen=True)
class AnalyseJournal:
    """What the report shows from a log: its monthly columns and every table and figure of its sections."""

    fichier: str
    description: str
    appels: int  # calls read
    horaires: aj.Horaires
    delai_rappel_h: float
    seuil_attente_s: float | None
    mensuel: pd.DataFrame  # the columns of the monthly calls file (plus `hors_horaires_callbot`)
    attentes: pd.DataFrame  # `analyses_journal.attentes`
    distribution: pd.DataFrame  # `analyses_journal.distribution_attentes`
    resolus: aj.Rappels  # callbot-resolved calls of the trial months, and their calls back
    perdus: aj.Rappels  # lost calls of the whole log, followed or not by a call
    charge: pd.DataFrame  # mean calls per hour, by hour and weekday
    pointe: dict  # the agents' busiest hour (before the trial when the log has it): jour, heure, appels
    pointe_avant_essai: bool
    annee_pointe: int
    chiffres: list[dict]
    annee_essai: int | None  # the last year with trial months in the log


def lire(chemin: str | Path, horaires: str, delai_rappel_h: float, seuil_attente_s: float | None,
         poste_callbot: str, file_agents: str) -> AnalyseJournal:
    """Read the log at `chemin` and compute every table and figure of its sections (French refusals for a bad
    file or parameter)."""
    h = aj.lire_horaires(horaires)
    j = ja.lire_journal(config.resolve(chemin), poste_callbot=str(poste_callbot), file_agents=str(file_agents))
    a = j.appels
    mensuel = aj.mensuel(a, h)
    mensuel.attrs["fichier"] = j.fichier
    essai = aj._essai(a)
    annees = a["debut"].dt.year.to_numpy()
    annee_essai = int(annees[essai].max()) if essai.any() else None
    suivis = aj.rappele(a, delai_rappel_h)
    dernier = a["debut"].max()
    resolus = aj.rappels(a, ["callbot_resolu"], delai_rappel_h, dernier, parmi=essai, suivis=suivis)
    perdus = aj.rappels(a, aj.PERDUS, delai_rappel_h, dernier, suivis=suivis)
    agents = a["parcours"].isin(aj.REPONDUS + aj.PERDUS).to_numpy()
    avant = agents & ~essai
    pointe = aj.heure_pointe(a[avant] if avant.any() else a[agents]) if agents.any() else \
        {"jour": "", "heure": "", "appels": 0.0}
    annee_pointe = int(annees[avant].max()) if avant.any() else int(annees.max())
    return AnalyseJournal(
        j.fichier, j.description, len(a), h, delai_rappel_h, seuil_attente_s, mensuel,
        aj.attentes(a, seuil_attente_s), aj.distribution_attentes(a), resolus, perdus, aj.charge(a), pointe,
        bool(avant.any()), annee_pointe, aj.chiffres(a, h, delai_rappel_h, seuil_attente_s, suivis), annee_essai)


@dataclass(frozen=True)
class Pointe:
    """The Erlang C check at the agents' busiest hour."""

    annee: int
    heure: int  # the hour it starts (0–23)
    appels_heure: float  # calls reaching the agents in that hour, on average
    charge_erlangs: float
    attente_predite_s: float


def pointe(lj: AnalyseJournal | None, postes: int, duree_min: float) -> Pointe | None:
    """The load of the agents' busiest hour (calls per hour × mean duration / 60 min) and the Erlang C wait
    with every post on the phone (None without a log)."""
    if lj is None:
        return None
    charge = lj.pointe["appels"] * duree_min / 60
    heure = int(str(lj.pointe["heure"]).split()[0] or 0)
    return Pointe(lj.annee_pointe, heure, lj.pointe["appels"], charge,
                  attente_erlang(int(postes), charge, duree_min * 60))


def chiffres_pointe(p: Pointe) -> list[dict]:
    q = f"appels.{p.annee}.heure_pointe_agents"
    out = [
        chiffre(f"{q}.heure", "Heure de début de l'heure la plus chargée de la semaine pour les agents (journal "
                "d'appels)", p.heure, "count", "heure (0 à 23) du maximum de la charge horaire des agents", 0),
        chiffre(f"{q}.appels", "Appels arrivés aux agents par heure, en moyenne, à l'heure la plus chargée de la "
                "semaine (journal d'appels)", p.appels_heure, "count",
                "maximum sur les jours et heures de la semaine des appels agent, perdu et callbot_transfert_* de "
                "l'heure / nombre de ces jours dans le journal", 1),
        chiffre(f"{q}.charge_erlangs", "Charge de l'heure la plus chargée, en agents occupés (erlangs)",
                p.charge_erlangs, "erlangs", f"{q}.appels × duree_moyenne_min / 60", 2),
    ]
    if math.isfinite(p.attente_predite_s):
        out.append(chiffre(f"{q}.attente_predite_erlang_s", "Attente moyenne prédite par le modèle d'Erlang C à "
                           "l'heure la plus chargée, tous les postes au téléphone, en secondes",
                           p.attente_predite_s, "secondes",
                           f"erlang_c(postes, {q}.charge_erlangs) × duree_moyenne_min × 60 / (postes − "
                           f"{q}.charge_erlangs)"))
    return out


def avec_journal(fichier: pd.DataFrame, lj: AnalyseJournal | None) -> pd.DataFrame:
    """The calls file completed by the log's months: each year the log covers is taken from it alone (as a
    partial file is, `fusionner`), the others from `fichier`."""
    if lj is None:
        return fichier
    return fusionner(lj.mensuel, fichier)


def table_rappels(lj: AnalyseJournal) -> pd.DataFrame:
    """The calls back, counted: for the callbot-resolved calls of the trial and for the lost calls, how many,
    how many left out (withheld number, too close to the log's end), counted, followed by a call."""
    rows = []
    for quoi, r in (("résolus par le callbot (mois de l'expérimentation)", lj.resolus),
                    ("perdus (perdu, callbot_transfert_perdu), tout le journal", lj.perdus)):
        rows.append({"appels_de": quoi, "appels": r.appels, "masques": r.masques, "trop_tard": r.trop_tard,
                     "comptes": r.comptes, "rappeles": r.rappeles, "part_rappeles": r.part_rappeles})
    return pd.DataFrame(rows)


def table_hors_horaires(lj: AnalyseJournal) -> pd.DataFrame:
    """Out-of-hours calls of the trial months, by month: received, taken by the callbot, share."""
    m = lj.mensuel[lj.mensuel["hors_horaires_callbot"].notna()]
    out = pd.DataFrame({"periode": m["periode"], "appels_hors_horaires": m["appels_hors_horaires"].astype(int),
                        "hors_horaires_callbot": m["hors_horaires_callbot"].astype(int)})
    out["part_hors_horaires_callbot"] = [b / a if a else math.nan for a, b in
                                         zip(out["appels_hors_horaires"], out["hors_horaires_callbot"], strict=True)]
    return out.reset_index(drop=True)


def charger(r, chemin: str | Path | None, horaires: str, delai_rappel_h: float, seuil_attente_s: float | None,
            poste_callbot: str, file_agents: str) -> AnalyseJournal | None:
    """The notebook's one call for the log: None without one; else read (recorded among the report's inputs,
    with how it was read and from how many calls its monthly columns were derived) and analysed."""
    if chemin in (None, ""):
        return None
    lj = lire(chemin, horaires, delai_rappel_h, seuil_attente_s, poste_callbot, file_agents)
    r.entree(chemin, "Journal d'appels du standard (un appel par ligne)",
             f"{lj.description} ; {lj.appels:_} appels lus, dont sont calculées les colonnes mensuelles des "
             f"mois qu'il couvre".replace("_", "\u202f"), ressource="journal_appels_exemple")
    return lj


def chiffres(lj: AnalyseJournal | None, p: Pointe | None) -> list[dict]:
    """The log's figures (none without a log)."""
    return [] if lj is None else lj.chiffres + chiffres_pointe(p)
