"""The errors a user can meet, each with a French message naming file, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem found in an input file: where it is, what it is, and how to fix it."""

    fichier: str
    message: str
    ligne: int | None = None
    colonne: str | None = None
    conseil: str | None = None

    def __str__(self) -> str:
        where = [self.fichier]
        if self.ligne is not None:
            where.append(f"ligne {self.ligne}")
        if self.colonne is not None:
            where.append(f"colonne « {self.colonne} »")
        text = f"{', '.join(where)} : {self.message}"
        if self.conseil:
            text += f" — {self.conseil}"
        return text


class ErreurCLN(Exception):
    """Base of every error that the command line turns into a French message."""

    code_sortie = 1


class ErreurDonnees(ErreurCLN):
    """An input file is invalid; carries every problem found in it."""

    def __init__(self, problemes: list[Probleme] | Probleme):
        self.problemes = [problemes] if isinstance(problemes, Probleme) else list(problemes)
        super().__init__(self.texte())

    def texte(self, maximum: int = 20) -> str:
        lines = [str(p) for p in self.problemes[:maximum]]
        rest = len(self.problemes) - maximum
        if rest > 0:
            lines.append(f"… et {rest} autre(s) problème(s).")
        return "\n".join(lines)


class ErreurUsage(ErreurCLN):
    """The command was called wrongly (unknown report, undeclared parameter…)."""

    code_sortie = 2


class ErreurParametre(ErreurCLN):
    """A parameter value the report cannot use (wrong type, out of range)."""

    code_sortie = 2


class ErreurRapport(ErreurCLN):
    """A report failed while it ran."""
