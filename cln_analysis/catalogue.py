"""The list of reports: one line each. A new report adds its notebook, its module and a line here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import config


@dataclass(frozen=True)
class DefinitionRapport:
    """A report: its id, its French title, its notebook and the figures its index card shows."""

    id: str
    titre: str
    description: str
    chiffres_cles: tuple[str, ...] = ()

    @property
    def notebook(self) -> Path:
        return config.NOTEBOOKS_DIR / f"{self.id}.ipynb"


RAPPORTS: tuple[DefinitionRapport, ...] = (
    DefinitionRapport(
        "budget", "La part du budget municipal consacrée au numérique en 2025",
        "Budget numérique et budget total mandatés en 2025, en investissement et en fonctionnement.",
        ("budget.2025.total.part", "budget.2025.total.numerique", "budget.2025.numerique_par_habitant"),
    ),
)


def par_id(identifiant: str) -> DefinitionRapport:
    for r in RAPPORTS:
        if r.id == identifiant:
            return r
    raise KeyError(identifiant)


def ids() -> list[str]:
    return [r.id for r in RAPPORTS]
