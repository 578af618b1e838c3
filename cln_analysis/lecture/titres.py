"""The one normaliser of column titles and answers: how two texts are compared when a user typed one of them.

Case, accents, every kind of space (a run of them is one space, none at either end), the typographic apostrophe,
a final « ? » and the apostrophe Excel keeps before a text that would start a formula are ignored: « Appels
reçus », « appels  recus » and « APPELS REÇUS ? » are one title. `cle` reads one text; `cles` a column, each
distinct text once (a column of 100 000 answers holds a handful of them).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

#: What a spreadsheet reads as the start of a formula when a cell begins with it (a blank sheet written as CSV
#: keeps such a title as text with a leading apostrophe, which reading removes).
DEBUTS_FORMULE = ("=", "+", "-", "@")

_APOSTROPHES = {0x2019: "'", 0x2018: "'", 0x02BC: "'"}


class _Marques(dict):
    """The table of one C-level `str.translate`: every combining mark of the Basic Multilingual Plane deleted
    (accents once NFD has split them off; the few marks beyond it belong to no script a title or a name here is
    written in), the apostrophes unified, any other character kept. Each character is looked up once, when first
    met: a table of the 65 536 built at import would cost every kernel a twentieth of a second."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if code < 0x10000 and unicodedata.combining(chr(code)) else code
        return self[code]


_TABLE = _Marques(_APOSTROPHES)


def sans_accents(texte: str) -> str:
    """The text without its combining marks (é → e, ç → c); ß, œ and the like stay."""
    return unicodedata.normalize("NFD", texte).translate(_TABLE)


def cle(texte: object) -> str:
    """A title (or an answer) as it is compared: see the module's docstring."""
    t = str(texte)
    if t[:1] in ("'", "\u2019") and t[1:2] and t[1] in DEBUTS_FORMULE:
        t = t[1:]
    t = t.casefold()
    if not t.isascii():  # accents split off, then deleted; apostrophes unified
        t = unicodedata.normalize("NFD", t).translate(_TABLE)
    t = " ".join(t.split())  # any run of spaces (NBSP and narrow NBSP too) is one space
    if t.endswith("?"):
        t = t[:-1].rstrip()
    return t


def cles(textes: pd.Series) -> pd.Series:
    """`cle` of each text of a column: each distinct text is read once, then spread back to its cells."""
    codes, distincts = pd.factorize(textes.to_numpy(dtype=object))
    lues = pd.Series([cle(t) for t in distincts], dtype=object).to_numpy(dtype=object)
    return pd.Series(lues[codes] if len(codes) else [], index=textes.index, dtype=object)
