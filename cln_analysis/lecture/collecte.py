"""The personal strings a run has read, handed over for the last scan before publication (issue 23).

A reader of a file that may hold personal data hands every such string it read (names, comments, caller
numbers) with `Tableau.signaler` or `signaler`; they go to the collector of the current run
(`balayage.Collecteur`, the one collector: salted hashes of normalised word runs, in memory only — never to a
file, a message or the state). A block opens one with `with collecter() as c:`; a report's kernel opens one for
the whole process (`collecter_dans_le_processus`, by `Rapport`), whose hashes `Rapport.publier()` hands to the
runner. Outside either nothing is collected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..balayage import Collecteur

__all__ = ["Collecteur", "collecter", "collecter_dans_le_processus", "courant", "signaler"]

_COURANT: ContextVar[Collecteur | None] = ContextVar("collecteur_de_donnees_personnelles", default=None)
#: The kernel's collector: a notebook's cells run in contexts of their own, so a context variable set in one
#: cell is not seen by the next.
_PROCESSUS: list[Collecteur] = []


def courant() -> Collecteur | None:
    """The collector of the current block, else the process's, or None when nothing collects."""
    c = _COURANT.get()
    return c if c is not None else (_PROCESSUS[-1] if _PROCESSUS else None)


def signaler(textes: Iterable[object]) -> None:
    """Hand personal strings to the current collector (nothing happens when there is none)."""
    c = courant()
    if c is not None:
        c.ajouter_tout(textes)


@contextmanager
def collecter(collecteur: Collecteur | None = None) -> Iterator[Collecteur]:
    """Collect, for the block only, every personal string the readers hand over."""
    c = collecteur if collecteur is not None else Collecteur()
    jeton = _COURANT.set(c)
    try:
        yield c
    finally:
        _COURANT.reset(jeton)


def collecter_dans_le_processus(collecteur: Collecteur) -> Collecteur:
    """Collect from now on, in this whole process (a report's kernel), into `collecteur` (the last one opened
    replaces the others: one report per kernel)."""
    _PROCESSUS[:] = [collecteur]
    return collecteur
