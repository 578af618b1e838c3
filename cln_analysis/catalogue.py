"""The list of reports, one line each, and every path of one report's outputs.

A new report adds its notebook, its module and a line here; the runner, the index and the tests
take every output path from the properties of its `DefinitionRapport`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import config


@dataclass(frozen=True)
class DefinitionRapport:
    """A report: its id, its French title, its notebook, the figures its index card shows, and the
    parameters naming files that hold names (warned about when git would commit them)."""

    id: str
    titre: str
    description: str
    chiffres_cles: tuple[str, ...] = ()
    personnels: tuple[str, ...] = ()

    # Every path of one report, in one place (as properties: `rapport.page`, `rapport.dossier_tableaux`…).
    notebook = property(lambda self: config.NOTEBOOKS_DIR / f"{self.id}.ipynb", doc="The source notebook.")
    page = property(lambda self: config.REPORTS_DIR / f"{self.id}.html", doc="The public page.")
    page_audit = property(lambda self: config.AUDIT_DIR / f"{self.id}.html",
                          doc="The audit page (code, parameters, provenance, reconciliation).")
    notebook_execute = property(lambda self: config.EXECUTED_NOTEBOOKS_DIR / f"{self.id}.ipynb",
                                doc="The executed notebook, papermill metadata kept.")
    dossier_tableaux = property(lambda self: config.PROCESSED_DIR / self.id,
                                doc="data/processed/<id>/: the table behind every chart and table.")
    classeur = property(lambda self: config.DOWNLOADS_DIR / f"{self.id}.xlsx",
                        doc="The workbook of every table of the report (reports/donnees/<id>.xlsx).")

    def telechargement(self, nom_tableau: str) -> str:
        """The file name of a table in reports/donnees/ (relative to it)."""
        return f"{self.id}-{nom_tableau}"


RAPPORTS: tuple[DefinitionRapport, ...] = (
    DefinitionRapport(
        "budget",
        "La part du budget municipal consacrée au numérique en 2025",
        "Budget numérique et budget total mandatés en 2025, en investissement et en fonctionnement.",
        ("budget.2025.total.part", "budget.2025.total.numerique", "budget.2025.numerique_par_habitant"),
    ),
    DefinitionRapport(
        "cvs",
        "Contrat de ville et des solidarités : les projets numériques en 2025",
        "Montants attribués en 2025 aux projets numériques du CVS, écrivains publics et autres projets, et demandes "
        "pour 2026.",
        ("cvs.2025.attribue", "cvs.2025.projets", "cvs.2025.ecrivains_publics.part"),
    ),
    DefinitionRapport(
        "appels",
        "L'activité du standard téléphonique de la Ville et l'expérimentation du callbot",
        "Appels reçus, perdus et répondus, taux de décroché et écart à l'objectif de 100 %, avant l'expérimentation "
        "du callbot.",
        ("appels.2025.recus", "appels.2025.taux_decroche", "appels.2025.ecart_objectif"),
    ),
    DefinitionRapport(
        "grille",
        "L'avis du Conseil sur le callbot : la grille de 8 critères",
        "Agrégation des notes (0 à 4) que les membres du CLN donnent aux 8 critères de la grille d'avis sur l'agent "
        "conversationnel.",
        ("grille.repondants", "grille.score_global"),
        personnels=("notes", "ponderations"),
    ),
    DefinitionRapport(
        "retours",
        "Les retours des habitants sur le callbot",
        "Ce que les habitants disent du callbot pendant l'expérimentation 2026, d'après le questionnaire du CLN : "
        "réponse obtenue, agent joint, satisfaction, avec la marge d'incertitude de chaque part.",
        ("retours.repondants", "retours.reponse_obtenue.oui", "retours.satisfaction.part_satisfaits"),
        personnels=("donnees",),
    ),
)


def par_id(identifiant: str) -> DefinitionRapport:
    for r in RAPPORTS:
        if r.id == identifiant:
            return r
    raise KeyError(identifiant)


def ids() -> list[str]:
    return [r.id for r in RAPPORTS]
