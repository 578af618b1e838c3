"""The personal strings a run has read, handed over for the last scan before publication (issue 23).

A reader of a file that may hold personal data hands every such string it read (names, comments, caller
numbers) with `Tableau.signaler` or `signaler`; they go to the collector of the current run, in memory only —
never to a file, a message or the state. A run opens one with `with collecter() as c:` and, before publishing a
report, asks `c.contient(texte)` or `c.trouver(page)`. With a salt (`Collecteur(sel=…)`), only salted hashes are
kept. Outside such a block nothing is collected (and nothing is kept between runs: the collector lives in a
context variable, set for the block only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: Shorter strings are not collected: « 1 », « oui » or « M. » would be found in every page.
LONGUEUR_MIN = 4


class Collecteur:
    """A set of personal strings (or of their salted hashes), in memory."""

    def __init__(self, sel: bytes | None = None):
        self.sel = sel
        self._empreintes: set[str] = set()

    def empreinte(self, texte: str) -> str:
        """What is kept of a string: the string itself, or its salted BLAKE2b hash."""
        if self.sel is None:
            return texte
        return hashlib.blake2b(texte.encode("utf-8"), key=self.sel, digest_size=16).hexdigest()

    def ajouter(self, textes: Iterable[object]) -> None:
        for t in textes:
            t = str(t).strip()
            if len(t) >= LONGUEUR_MIN:
                self._empreintes.add(self.empreinte(t))

    def contient(self, texte: str) -> bool:
        return self.empreinte(texte.strip()) in self._empreintes

    def trouver(self, page: str) -> list[str]:
        """The collected strings found in `page` (unsalted collectors only: a hash cannot be searched for)."""
        if self.sel is not None:
            raise ValueError("un collecteur salé ne sait que comparer des chaînes entières (contient)")
        return sorted(t for t in self._empreintes if t in page)

    def __len__(self) -> int:
        return len(self._empreintes)


_COURANT: ContextVar[Collecteur | None] = ContextVar("collecteur_de_donnees_personnelles", default=None)


def courant() -> Collecteur | None:
    """The collector of the current run, or None when no run collects."""
    return _COURANT.get()


def signaler(textes: Iterable[object]) -> None:
    """Hand personal strings to the current run's collector (nothing happens when there is none)."""
    c = _COURANT.get()
    if c is not None:
        c.ajouter(textes)


@contextmanager
def collecter(collecteur: Collecteur | None = None) -> Iterator[Collecteur]:
    """Collect, for the block only, every personal string the readers hand over."""
    c = collecteur if collecteur is not None else Collecteur()
    jeton = _COURANT.set(c)
    try:
        yield c
    finally:
        _COURANT.reset(jeton)
