"""The trial's goals as the slides print them: the gap to the pickup target, the verdict of each goal, and the
working values (a parameter when given, else the slides' figure)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import formats as f
from ..analyses_journal import Rappels


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


#: What a goal lacks, in words a council member reads, for each column of the calls file it is measured from.
CE_QUI_MANQUE = {
    "appels_callbot": "les appels pris par le callbot",
    "resolus_callbot": "les appels terminés par le callbot sans aucun agent",
    "appels_hors_horaires": "les appels reçus hors des heures d'ouverture",
    "attente_moyenne_s": "l'attente moyenne des appels répondus par un agent",
}


def _manque(colonne: str) -> str:
    """« non mesurable », what is missing in words, then the column the officer would add (in parentheses)."""
    return f"non mesurable : le fichier des appels ne donne pas {CE_QUI_MANQUE[colonne]} (colonne « {colonne} »)"


def _but(objectif: str, reference: str, manque: str | None, mesure: Callable[[], str], atteint: Callable[[], bool]):
    """One goal's row: « non mesurable » naming the missing column `manque`, else the measure and its verdict."""
    if manque:
        return objectif, "—", reference, _manque(manque)
    return objectif, mesure(), reference, ATTEINT if atteint() else PAS_ATTEINT


def _stat(attentes: pd.DataFrame | None, periode: str) -> pd.Series | None:
    """The wait statistics of the calls an agent answered in `periode` (« avant l'essai », « pendant l'essai »)."""
    if attentes is None or attentes.empty:
        return None
    rows = attentes[(attentes["appels_de"] == "répondus par un agent") & (attentes["periode"] == periode)]
    return None if rows.empty else rows.iloc[0]


def _distribution(s: pd.Series, attente_min_min: float) -> str:
    return (f"médiane {f.attente(s['mediane_s'])}, 90 % des appels en {f.attente(s['p90_s'])} ou moins, "
            f"{f.pourcentage(s['part_plus_10min'], 1)} après plus de {f.entier(attente_min_min)} minutes "
            f"({f.entier(s['appels'])} appels répondus par un agent)")


#: Said after a verdict whose reference is the slide's statement, not a measure.
AFFIRMATION = " (comparé à une affirmation de la diapositive, pas à une mesure)"
#: The 24 h/24 verdict without counted out-of-hours answers.
HORS_HORAIRES_NON_MESURABLE = ("non mesurable : le fichier ne dit pas quels appels hors horaires ont reçu une "
                               "réponse (un journal d'appels le mesure)")
VRAIMENT_RESOLUS_NON_MESURABLE = ("non mesurable : seul un journal d'appels dit quels usagers ont rappelé après "
                                  "le callbot")


def _attente(y, reference, attente_max_min, attente_min_min, attentes):
    """The wait goal: on the log's measured distribution when there is one, else on the trial months' mean wait;
    compared with a measure before the trial when there is one, else with the slide's statement (never measured)."""
    objectif = "Attente réduite (10 à 15 minutes aujourd'hui)"
    affirmation = f"{f.entier(attente_min_min)} à {f.entier(attente_max_min)} minutes (diapositive, non mesuré)"
    pendant, avant = _stat(attentes, "pendant l'essai"), _stat(attentes, "avant l'essai")
    if pendant is not None:
        mesure = _distribution(pendant, attente_min_min)
        if avant is not None:
            ok = pendant["mediane_s"] <= avant["mediane_s"] and pendant["part_plus_10min"] < avant["part_plus_10min"]
            return objectif, mesure, _distribution(avant, attente_min_min) + ", mesuré avant l'expérimentation", \
                ATTEINT if ok else PAS_ATTEINT
        ok = pendant["p90_s"] < attente_min_min * 60
        return objectif, mesure, affirmation, (ATTEINT if ok else PAS_ATTEINT) + AFFIRMATION
    if y is None or pd.isna(y["attente_moyenne_essai_min"]):
        return objectif, "—", affirmation, _manque("attente_moyenne_s")
    mesure = (f"{f.valeur(y['attente_moyenne_essai_min'], 'minutes')} en moyenne "
              f"({y['periode_attente_essai'] or y['annee']})")
    avant_min = reference.get("attente_moyenne_min", math.nan)
    if pd.notna(avant_min):
        return objectif, mesure, f"{f.valeur(avant_min, 'minutes')} en moyenne, mesuré en {int(reference['annee'])}", \
            ATTEINT if y["attente_moyenne_essai_min"] < avant_min else PAS_ATTEINT
    ok = y["attente_moyenne_essai_min"] < attente_min_min
    return objectif, mesure, affirmation, (ATTEINT if ok else PAS_ATTEINT) + AFFIRMATION


def verdicts(
    t: pd.DataFrame,
    reference: pd.Series,
    objectif_decroche: float,
    attente_max_min: float,
    attente_min_min: float,
    part_transferts: float,
    attentes: pd.DataFrame | None = None,
    resolus: Rappels | None = None,
    journal=None,
) -> pd.DataFrame:
    """One row per goal printed on the slides: measured value (last year with trial months), the reference
    year's value, and the verdict (« atteint », « pas atteint », « non mesurable : … »). Each verdict says only
    what was measured: numerator and denominator over the same months, the slide's statements named as such.
    `attentes` (`analyses_journal.attentes`) and `resolus` (`analyses_journal.rappels` of the callbot-resolved
    trial calls) come from a call log, when there is one; `journal` (`appels.journal.AnalyseJournal`) gives both."""
    if journal is not None:
        attentes, resolus = journal.attentes, journal.resolus
    trial = t[t["mois_essai"] > 0]
    y = trial.iloc[-1] if len(trial) else None
    ref_year = int(reference["annee"])
    pct = lambda v: f.pourcentage(v, 1)  # noqa: E731
    sans_essai = y is None
    rows = [
        # 1. 100 % des appels décrochés: both rates must reach it; the callers who hung up on the callbot count as
        # answered in the global rate, and the row says so with their number.
        _but("100 % des appels décrochés",
             f"{pct(reference['taux_decroche_agent'])} par un agent (seul taux mesuré en {ref_year})",
             "appels_callbot" if sans_essai else None,
             lambda: f"global (callbot ou agent) : {pct(y['taux_decroche_global_essai'])}, dont "
                     f"{f.entier(y['abandons_callbot'])} usagers qui ont raccroché pendant le callbot, comptés "
                     f"comme décrochés ; par un agent : {_taux(y['taux_decroche_agent_essai'])} ({y['periode_essai']})",
             lambda: y["taux_decroche_global_essai"] >= objectif_decroche
             and pd.notna(y["taux_decroche_agent_essai"]) and y["taux_decroche_agent_essai"] >= objectif_decroche),
        # 2. Waiting time
        _attente(y, reference, attente_max_min, attente_min_min, attentes),
        # 3. Transfers automated: the share of callbot calls ended without any agent against the slide's third,
        # with the share still passed to an agent beside it
        _but("Plus d'un tiers des appels sont des transferts : les automatiser",
             f"plus d'un tiers des appels sont des transferts, tous faits par un agent en {ref_year}",
             "resolus_callbot" if sans_essai else None,
             lambda: f"terminés sans agent : {pct(y['part_resolue_callbot'])} des appels pris par le callbot ; "
                     f"encore passés à un agent : {pct(y['part_transferts_callbot'])}",
             lambda: y["part_resolue_callbot"] >= part_transferts),
        _hors_horaires(y, ref_year, objectif_decroche),
    ]
    if resolus is not None:
        rows.append(_vraiment_resolus(y, resolus, part_transferts))
    return pd.DataFrame(rows, columns=["objectif", "mesure", "reference", "verdict"])


def _taux(v: float) -> str:
    return "non calculé (aucun appel n'est arrivé aux agents)" if pd.isna(v) else f.pourcentage(v, 1)


def _hors_horaires(y, ref_year: int, objectif_decroche: float):
    """24 h/24: the out-of-hours calls of the trial months the callbot picked up, over the out-of-hours calls of
    the same months; « non mesurable » when nothing counts the answered ones."""
    objectif, reference = "Réponse 24 h/24", f"aucune réponse hors des heures d'ouverture en {ref_year}"
    if y is None or pd.isna(y["appels_hors_horaires"]):
        return objectif, "—", reference, _manque("appels_hors_horaires")
    if pd.isna(y["hors_horaires_callbot"]):
        return objectif, (f"{f.entier(y['appels_hors_horaires'])} appels hors horaires, sans compte de ceux qui "
                          "ont reçu une réponse"), reference, HORS_HORAIRES_NON_MESURABLE
    part = y["part_hors_horaires_callbot"]
    mesure = (f"{f.entier(y['hors_horaires_callbot'])} des {f.entier(y['hors_horaires_essai'])} appels hors horaires "
              f"pris par le callbot, soit {f.pourcentage(part, 1)} ({y['periode_hors_horaires']})")
    return objectif, mesure, reference, ATTEINT if part >= objectif_decroche else PAS_ATTEINT


def _vraiment_resolus(y, resolus: Rappels, part_transferts: float):
    """The callbot-resolved calls after which the same number did not call again within the delay: the transfers
    goal judged on calls really settled."""
    objectif = "Appels vraiment résolus (sans rappel sous 24 h)"
    reference = "aucun callbot avant l'expérimentation"
    if y is None or not resolus.comptes:
        return objectif, "—", reference, VRAIMENT_RESOLUS_NON_MESURABLE
    part = y["part_resolue_callbot"] * resolus.part_sans_rappel
    mesure = (f"{f.pourcentage(resolus.part_sans_rappel, 1)} des appels résolus par le callbot sans rappel du même "
              f"numéro ({f.entier(resolus.comptes)} comptés ; {f.entier(resolus.masques)} à numéro masqué et "
              f"{f.entier(resolus.trop_tard)} trop proches de la fin du journal laissés de côté), soit environ "
              f"{f.pourcentage(part, 1)} des appels pris par le callbot")
    return objectif, mesure, reference, ATTEINT if part >= part_transferts else PAS_ATTEINT


#: How each verdict is decided, said in the report (in words: the page's numbers are figures or table cells).
REGLES_VERDICT = [
    "100 % des appels décrochés : atteint seulement si le taux global et le taux par un agent atteignent tous deux "
    "l'objectif ; un taux global proche de 100 % ne suffit pas, d'autant qu'il compte comme décrochés les usagers "
    "qui ont raccroché pendant le callbot.",
    "Attente : sur les seuls mois de l'expérimentation ; comparée à une attente mesurée avant elle quand il y en a "
    "une, sinon aux « 10 à 15 minutes » de la diapositive, une affirmation jamais mesurée, et le verdict le dit. "
    "Avec un journal d'appels : atteint si l'attente médiane et la part des attentes de plus de dix minutes "
    "baissent (ou, sans mesure d'avant, si neuf appels sur dix attendent moins de dix minutes).",
    "Transferts : atteint si la part des appels pris par le callbot terminés sans aucun agent atteint la part des "
    "transferts de la diapositive (un tiers) ; la part encore passée à un agent est montrée à côté.",
    "Réponse 24 h/24 : sur les mêmes mois pour les appels hors horaires et ceux qui ont reçu une réponse ; atteint "
    "si le callbot a pris au moins la part visée (l'objectif de décroché) ; non mesurable sans le compte des appels "
    "hors horaires qui ont reçu une réponse, que seul un journal d'appels donne.",
]
#: Said only when the goals table has the row a call log adds.
REGLE_VRAIMENT_RESOLUS = (
    "Appels vraiment résolus (journal d'appels) : les appels résolus par le callbot après lesquels le même numéro "
    "n'a pas rappelé dans le délai choisi, rapportés aux appels pris par le callbot ; atteint si cette part atteint, "
    "elle aussi, le tiers de la diapositive.")


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
