"""The city switchboard's activity: yearly and monthly calls, pickup rates, the callbot trial, the load behind them.

One module per job: `regles` (what a row of the file must satisfy), `agregats` (yearly and monthly totals and their
figures), `erlang` (the queue model), `objectifs` (the goals and their verdicts). Everything is importable from
`cln_analysis.appels` itself.
"""

from __future__ import annotations

import math

from .. import formats as f
from ..rendu import Colonne
from . import journal
from .agregats import (
    annuel,
    chiffres,
    chiffres_prose,
    chiffres_reference,
    derniere_annee_avant_essai,
    derniere_annee_complete,
    mensuel,
    source_donnees,
    vue_annees,
)
from .erlang import Coherence, attente_erlang, chiffres_coherence, coherence, erlang_c
from .objectifs import (
    ATTEINT,
    PAS_ATTEINT,
    REGLE_VRAIMENT_RESOLUS,
    REGLES_VERDICT,
    EcartObjectif,
    Hypotheses,
    ecart_objectif,
    hypotheses,
    verdicts,
)
from .regles import COMPTES, ESSAI, FACULTATIVES, exiger_valide, fusionner, problemes

#: The name `verification` still uses (the runner's module): the list of a file's problems.
verifier = problemes

def _taux(v: float) -> str:
    return f.pourcentage(v, 0)


def _attente(secondes: float) -> str:
    """A predicted wait; for a queue whose load reaches its agents, what that means rather than a number."""
    return "non définie : file instable (la charge atteint ou dépasse les agents)" if math.isinf(secondes) \
        else f.attente(secondes)


#: The columns of this report's tables: French title and format, declared once.
COLONNES = {
    "annee": Colonne("Année", str),
    "periode": Colonne("Mois"),
    "appels_recus": Colonne("Appels reçus", f.entier),
    "appels_perdus": Colonne("Appels perdus", f.entier),
    "appels_repondus": Colonne("Appels répondus", f.entier),
    "mois": Colonne("Mois couverts", f.entier),
    "partielle": Colonne("Année partielle", lambda p: "oui" if p else "non"),
    "taux_decroche": Colonne("Taux de décroché", _taux),
    "taux_decroche_agent": Colonne("Décroché par un agent", _taux),
    "taux_decroche_global": Colonne("Décroché global (callbot ou agent)", _taux),
    "evolution_recus": Colonne("Évolution des appels reçus", f.evolution),
    "nom_mois": Colonne("Mois", f.phrase),
    "resolus_callbot": Colonne("Résolus par le callbot", f.entier),
    "abandons_callbot": Colonne("Abandonnés pendant le callbot", f.entier),
    "appels_recus_annee_precedente": Colonne("Reçus, même mois de l'année précédente", f.entier),
    "taux_decroche_agent_annee_precedente": Colonne("Par un agent, même mois de l'année précédente", _taux),
    "objectif": Colonne("Objectif annoncé"),
    "mesure": Colonne("Mesure pendant l'expérimentation", f.phrase),
    "reference": Colonne("Référence", f.phrase),
    "verdict": Colonne("Verdict", f.phrase),
    "agents": Colonne("Agents au téléphone", f.entier),
    "probabilite_attente": Colonne("Part des appels qui attendent", lambda v: f.pourcentage(v, 1)),
    "attente_predite_s": Colonne("Attente moyenne prédite", lambda v: f.phrase(_attente(v))),
    # the call log's tables
    "appels_de": Colonne("Appels"),
    "appels": Colonne("Nombre d'appels", f.entier),
    "part_moins_20s": Colonne("Attendu 20 s ou moins", lambda v: f.pourcentage(v, 1)),
    "part_moins_1min": Colonne("Attendu 1 min ou moins", lambda v: f.pourcentage(v, 1)),
    "part_moins_5min": Colonne("Attendu 5 min ou moins", lambda v: f.pourcentage(v, 1)),
    "part_moins_seuil": Colonne("Attendu le seuil choisi ou moins", lambda v: f.pourcentage(v, 1)),
    "part_plus_10min": Colonne("Attendu plus de 10 min", lambda v: f.pourcentage(v, 1)),
    "mediane_s": Colonne("Attente médiane", lambda v: f.phrase(f.attente(v))),
    "p90_s": Colonne("Attente que 90 % des appels ne dépassent pas", lambda v: f.phrase(f.attente(v))),
    "moyenne_s": Colonne("Attente moyenne", lambda v: f.phrase(f.attente(v))),
    "attente": Colonne("Attente"),
    "part": Colonne("Part des appels", lambda v: f.pourcentage(v, 1)),
    "masques": Colonne("Numéro masqué (laissés de côté)", f.entier),
    "trop_tard": Colonne("Trop proches de la fin du journal (laissés de côté)", f.entier),
    "comptes": Colonne("Comptés", f.entier),
    "rappeles": Colonne("Suivis d'un appel du même numéro dans le délai", f.entier),
    "part_rappeles": Colonne("Part suivie d'un appel", lambda v: f.pourcentage(v, 1)),
    "appels_hors_horaires": Colonne("Appels hors horaires", f.entier),
    "hors_horaires_callbot": Colonne("Pris par le callbot", f.entier),
    "part_hors_horaires_callbot": Colonne("Part prise par le callbot", lambda v: f.pourcentage(v, 1)),
    "heure": Colonne("Heure"),
    **{j: Colonne(j.capitalize(), lambda v: f.nombre(v, 1)) for j in
       ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")},
}


__all__ = [
    "ATTEINT", "COLONNES", "COMPTES", "ESSAI", "FACULTATIVES", "PAS_ATTEINT", "REGLE_VRAIMENT_RESOLUS",
    "REGLES_VERDICT", "Coherence",
    "EcartObjectif", "Hypotheses", "annuel", "attente_erlang", "chiffres", "chiffres_coherence", "chiffres_prose",
    "chiffres_reference", "coherence",
    "derniere_annee_avant_essai", "derniere_annee_complete", "ecart_objectif", "erlang_c", "exiger_valide",
    "fusionner", "hypotheses", "journal", "mensuel", "problemes", "source_donnees", "verdicts", "verifier",
    "vue_annees",
]
