"""What the source reports published in this run, read by the reports that depend on them (`bilan`).

Each source leaves `build/publies/<id>.json` (`sorties.Publie`: its rows of figures.csv and each figure's text
as its page shows it, parameters, inputs, date, status) and its tables in `data/processed/<id>/`. figures.csv itself
is not read: every report rewrites it, so hashing it would make the dependant out of date after any run. `lire`
reads the rest through `Rapport.entree` (so each file is hashed into « Traçabilité »); a source that failed, or
never ran, hands out nothing — never a stale figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from . import catalogue
from .sorties import COLONNES_FIGURES, FormeInvalide, Publie


@dataclass(frozen=True)
class Source:
    """One source report as this run published it; empty when it failed (`publie.statut`) or never ran."""

    id: str
    titre: str
    publie: Publie | None
    figures: pd.DataFrame  # its rows of figures.csv (empty when not ok)
    tableaux: dict[str, pd.DataFrame] = field(default_factory=dict)  # name without .csv → table

    @property
    def ok(self) -> bool:
        return self.publie is not None and self.publie.ok


@dataclass(frozen=True)
class Sources:
    """Every source report of one dependant, by id."""

    par_id: dict[str, Source]

    def __getitem__(self, i: str) -> Source:
        return self.par_id[i]

    def __iter__(self):
        return iter(self.par_id.values())

    @property
    def en_echec(self) -> list[Source]:
        return [s for s in self if not s.ok]

    @property
    def fictives(self) -> list[Source]:
        return [s for s in self if s.ok and s.publie.fictif]

    def figures(self) -> pd.DataFrame:
        """The rows of figures.csv of every source that published in this run."""
        parts = [s.figures for s in self if s.ok]
        return pd.concat(parts, ignore_index=True) if parts else _figures_vides()

    def texte(self, figure_id: str) -> str | None:
        """A figure as its source page shows it, None when no source published it in this run."""
        for s in self:
            if s.ok and figure_id in s.publie.textes:
                return s.publie.textes[figure_id]
        return None

    def libelle(self, figure_id: str) -> str | None:
        """A figure's label in figures.csv, None when no source published it in this run."""
        for s in self:
            if s.ok:
                for f in s.publie.figures:
                    if f.figure_id == figure_id:
                        return f.label
        return None

    def tableau(self, source: str, nom: str) -> pd.DataFrame | None:
        s = self.par_id.get(source)
        return None if s is None or not s.ok else s.tableaux.get(nom)


def _figures_vides() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLONNES_FIGURES))


#: How a source's files are read (« Lu comme » on the audit page): as the runner writes them, never by hand.
LU_JSON = "JSON UTF-8, écrit par l'exécution du rapport source"
LU_CSV = "CSV UTF-8, séparateur virgule, écrit par l'exécution du rapport source"


def lire(r, ids: list[str]) -> Sources:
    """The sources `ids` of the report `r` (a `Rapport`), each file read recorded as one of its inputs."""
    out = {}
    for i in ids:
        d = catalogue.par_id(i)
        publie = None
        if d.publie.is_file():
            r.entree(d.publie, f"Ce que le rapport « {i} » a publié (chiffres tels que sa page les montre)",
                     LU_JSON)
            try:
                publie = Publie.depuis_json(json.loads(d.publie.read_text(encoding="utf-8")))
            except (ValueError, FormeInvalide):
                publie = None
        if publie is None or not publie.ok:
            out[i] = Source(i, d.titre, publie, _figures_vides())
            continue
        tableaux = {}
        for nom in publie.tableaux:
            chemin = d.dossier_tableaux / nom
            if chemin.is_file():
                r.entree(chemin, f"Tableau publié par le rapport « {i} »", LU_CSV)
                tableaux[nom.removesuffix(".csv")] = pd.read_csv(chemin)
        lignes = pd.DataFrame([f.ligne() for f in publie.figures], columns=list(COLONNES_FIGURES))
        out[i] = Source(i, d.titre, publie, lignes, tableaux)
    return Sources(out)
