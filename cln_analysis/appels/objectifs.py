"""The trial's goals as the slides print them: the gap to the pickup target, the verdict of each goal, and the
working values (a parameter when given, else the slides' figure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import formats as f


@dataclass(frozen=True)
class EcartObjectif:
    annee: int
    objectif: float
    ecart: float  # calls more to answer to reach the target
    par_jour_ouvre: float
    heures_conversation: float
    transferts_estimes: float


def ecart_objectif(
    annee: pd.Series, objectif_decroche: float, jours_ouvres: int, duree_min: float, part_transferts: float
) -> EcartObjectif:
    """Gap to the pickup target, per working day, conversation hours and transfers, for one year."""
    ecart = objectif_decroche * annee["appels_recus"] - annee["appels_repondus"]
    return EcartObjectif(
        int(annee["annee"]),
        objectif_decroche,
        float(ecart),
        float(ecart) / jours_ouvres,
        float(annee["appels_repondus"]) * duree_min / 60,
        float(annee["appels_repondus"]) * part_transferts,
    )


ATTEINT, PAS_ATTEINT = "atteint", "pas atteint"


def _manque(colonne: str) -> str:
    return f"non mesurable : la colonne « {colonne} » manque"


def _but(objectif: str, reference: str, manque: str | None, mesure: Callable[[], str], atteint: Callable[[], bool]):
    """One goal's row: « non mesurable » naming the missing column `manque`, else the measure and its verdict."""
    if manque:
        return objectif, "—", reference, _manque(manque)
    return objectif, mesure(), reference, ATTEINT if atteint() else PAS_ATTEINT


def verdicts(
    t: pd.DataFrame,
    reference: pd.Series,
    objectif_decroche: float,
    attente_max_min: float,
    attente_min_min: float,
    part_transferts: float,
) -> pd.DataFrame:
    """One row per goal printed on the slides: measured value (last year with trial months), the reference
    year's value, and the verdict (« atteint », « pas atteint », « non mesurable : la colonne … manque »)."""
    trial = t[t["mois_essai"] > 0]
    y = trial.iloc[-1] if len(trial) else None
    ref_year = int(reference["annee"])
    pct = lambda v: f.pourcentage(v, 1)  # noqa: E731
    sans_essai = y is None
    rows = [
        # 1. 100 % des appels décrochés: both rates must reach it.
        _but("100 % des appels décrochés",
             f"{pct(reference['taux_decroche_agent'])} par un agent (seul taux mesuré en {ref_year})",
             "appels_callbot" if sans_essai else None,
             lambda: f"global (callbot ou agent) : {pct(y['taux_decroche_global_essai'])} ; par un agent : "
                     f"{pct(y['taux_decroche_agent_essai'])} ({y['periode_essai']})",
             lambda: y["taux_decroche_global_essai"] >= objectif_decroche
             and y["taux_decroche_agent_essai"] >= objectif_decroche),
        # 2. Waiting time
        _but("Attente réduite (10 à 15 minutes aujourd'hui)",
             f"{f.entier(attente_min_min)} à {f.entier(attente_max_min)} minutes (diapositive, non mesuré)",
             "attente_moyenne_s" if sans_essai or pd.isna(y["attente_moyenne_min"]) else None,
             lambda: f"{f.nombre(y['attente_moyenne_min'], 1)} min en moyenne ({y['periode_attente'] or y['annee']})",
             lambda: y["attente_moyenne_min"] < attente_min_min),
        # 3. Transfers automated: the share resolved without an agent reaches the slide's share of transfers
        _but("Plus d'un tiers des appels sont des transferts : les automatiser",
             f"plus d'un tiers des appels sont des transferts, tous faits par un agent en {ref_year}",
             "resolus_callbot" if sans_essai else None,
             lambda: f"résolus sans agent : {pct(y['part_resolue_sans_agent'])} des appels reçus ; transférés à un "
                     f"agent : {pct(y['part_transferts_callbot'])} des appels pris par le callbot",
             lambda: y["part_resolue_sans_agent"] >= part_transferts),
        # 4. 24 h/24: out-of-hours calls counted and all of them could be taken by the callbot
        _but("Réponse 24 h/24", f"aucune réponse hors des heures d'ouverture en {ref_year}",
             "appels_hors_horaires" if sans_essai or pd.isna(y["appels_hors_horaires"]) else None,
             lambda: f"{f.entier(y['appels_hors_horaires'])} appels hors horaires "
                     f"({pct(y['part_hors_horaires'])} des appels reçus), {f.entier(y['appels_callbot'])} appels "
                     "pris par le callbot",
             lambda: y["appels_hors_horaires"] > 0 and y["appels_callbot"] >= y["appels_hors_horaires"]),
    ]
    return pd.DataFrame(rows, columns=["objectif", "mesure", "reference", "verdict"])


#: How each verdict is decided, said in the report.
REGLES_VERDICT = [
    "100 % des appels décrochés : atteint seulement si le taux global et le taux par un agent atteignent tous deux "
    "l'objectif ; un taux global proche de 100 % ne suffit pas.",
    "Attente : atteint si l'attente moyenne mesurée est inférieure au bas de la fourchette de la diapositive.",
    "Transferts : atteint si la part des appels résolus sans agent atteint la part des transferts de la diapositive "
    "(un tiers).",
    "Réponse 24 h/24 : atteint si le fichier compte des appels hors horaires et que le callbot a pris au moins "
    "autant d'appels (le fichier ne dit pas lesquels ont reçu une réponse).",
]


@dataclass(frozen=True)
class Hypotheses:
    """The report's working values: a parameter when given, else the slides' figure."""

    objectif_decroche: float
    duree_moyenne_min: float
    part_transferts: float


def hypotheses(
    contexte: pd.DataFrame,
    objectif_decroche: float | None = None,
    duree_moyenne_min: float | None = None,
    part_transferts: float | None = None,
) -> Hypotheses:
    """Each value from its parameter, or from `appels_contexte.csv` when the parameter is empty."""
    ctx = contexte.set_index("indicateur")["valeur"]
    return Hypotheses(
        float(ctx["objectif_decroche"] if objectif_decroche is None else objectif_decroche),
        float(ctx["duree_moyenne_appel"] if duree_moyenne_min is None else duree_moyenne_min),
        float(ctx["part_transferts_min"] if part_transferts is None else part_transferts),
    )
