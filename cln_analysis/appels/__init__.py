"""The city switchboard's activity: yearly and monthly calls, pickup rates, the callbot trial, the load behind them.

One module per job: `regles` (what a row of the file must satisfy), `agregats` (yearly and monthly totals and their
figures), `erlang` (the queue model), `objectifs` (the goals and their verdicts). Everything is importable from
`cln_analysis.appels` itself.
"""

from __future__ import annotations

import math

from .. import formats as f
from ..rendu import Colonne
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
    "nom_mois": Colonne("Mois"),
    "resolus_callbot": Colonne("Résolus par le callbot", f.entier),
    "abandons_callbot": Colonne("Abandonnés pendant le callbot", f.entier),
    "appels_recus_annee_precedente": Colonne("Reçus, même mois de l'année précédente", f.entier),
    "taux_decroche_agent_annee_precedente": Colonne("Par un agent, même mois de l'année précédente", _taux),
    "objectif": Colonne("Objectif annoncé"),
    "mesure": Colonne("Mesure pendant l'expérimentation"),
    "reference": Colonne("Référence"),
    "verdict": Colonne("Verdict"),
    "agents": Colonne("Agents au téléphone", f.entier),
    "probabilite_attente": Colonne("Part des appels qui attendent", lambda v: f.pourcentage(v, 1)),
    "attente_predite_s": Colonne("Attente moyenne prédite", _attente),
}


__all__ = [
    "ATTEINT", "COLONNES", "COMPTES", "ESSAI", "FACULTATIVES", "PAS_ATTEINT", "REGLES_VERDICT", "Coherence",
    "EcartObjectif", "Hypotheses", "annuel", "attente_erlang", "chiffres", "chiffres_coherence", "chiffres_prose",
    "chiffres_reference", "coherence",
    "derniere_annee_avant_essai", "derniere_annee_complete", "ecart_objectif", "erlang_c", "exiger_valide",
    "fusionner", "hypotheses", "mensuel", "problemes", "source_donnees", "verdicts", "verifier", "vue_annees",
]
