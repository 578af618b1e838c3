"""Erlang C: the mean wait a queue of random calls would have with the switchboard's posts and its load."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..registre import chiffre


def erlang_c(agents: int, charge: float) -> float:
    """Probability that a call waits (Erlang C) with `agents` servers and an offered load of `charge` erlangs;
    1 when the agents cannot absorb the load. Computed by the Erlang B recursion, stable for any size."""
    if charge <= 0:
        return 0.0
    if agents <= charge:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = charge * b / (k + charge * b)
    return agents * b / (agents - charge * (1 - b))


def attente_erlang(agents: int, charge: float, duree: float) -> float:
    """Mean wait of all calls (M/M/c, no abandonment), in the unit of `duree`; infinite when agents ≤ load."""
    if agents <= charge:
        return math.inf
    return erlang_c(agents, charge) * duree / (agents - charge)


@dataclass(frozen=True)
class Coherence:
    annee: int
    occupation_postes: float  # share of the posts' opening time spent in conversation
    charge_erlangs: float  # calls reaching the agents × mean duration / opening time
    attente_predite_s: float  # Erlang C mean wait with every post on the phone
    par_agents: pd.DataFrame  # agents on the phone → probability of waiting, mean wait


def coherence(
    annee: pd.Series, postes: int, jours_ouvres: float, heures_ouverture_jour: float, duree_min: float
) -> Coherence:
    """The load behind a year's figures and what an Erlang C model predicts for the wait, evenly spread
    over the opening hours."""
    minutes = jours_ouvres * heures_ouverture_jour * 60
    occupation = float(annee["appels_repondus"]) * duree_min / (postes * minutes)
    charge = float(annee["appels_repondus"] + annee["appels_perdus"]) * duree_min / minutes
    rows = [
        {
            "agents": n,
            "probabilite_attente": erlang_c(n, charge),
            "attente_predite_s": attente_erlang(n, charge, duree_min * 60),
        }
        for n in range(1, int(postes) + 1)
    ]
    table = pd.DataFrame(rows)
    return Coherence(
        int(annee["annee"]), occupation, charge, attente_erlang(int(postes), charge, duree_min * 60), table
    )


def chiffres_coherence(c: Coherence) -> list[dict]:
    """The load figures; the predicted wait only when the posts can absorb the load (else it has no limit)."""
    p = f"appels.{c.annee}"
    out = [
        chiffre(f"{p}.occupation_postes", f"Part du temps d'ouverture des postes passée au téléphone en {c.annee}",
                c.occupation_postes, "ratio",
                f"{p}.repondus × duree_moyenne_min / (postes × jours_ouvres × heures_ouverture_jour × 60)"),
        chiffre(f"{p}.charge_erlangs",
                f"Charge d'appels en {c.annee}, en agents occupés en moyenne pendant l'ouverture (erlangs)",
                c.charge_erlangs, "erlangs",
                f"({p}.repondus + {p}.perdus) × duree_moyenne_min / (jours_ouvres × heures_ouverture_jour × 60)"),
        chiffre(f"{p}.attente_predite_erlang_s",
                f"Attente moyenne prédite par le modèle d'Erlang C en {c.annee}, tous les postes au téléphone, en "
                f"secondes", c.attente_predite_s, "secondes",
                f"erlang_c(postes, {p}.charge_erlangs) × duree_moyenne_min × 60 / (postes − {p}.charge_erlangs)"),
    ]
    return out if math.isfinite(c.attente_predite_s) else out[:2]


# --------------------------------------------------------------------------- the trial's goals, one by one

