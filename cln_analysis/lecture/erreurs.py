"""Where a problem is: the file, its line, and its column — by letter in a file that may hold personal data.

The problems and errors themselves are those of `cln_analysis.erreurs`, which the command line turns into
French messages; this module adds how the reading layer names a column.
"""

from __future__ import annotations

from ..erreurs import ErreurDonnees, Probleme

__all__ = ["ErreurDonnees", "Probleme", "lettre"]


def lettre(i: int) -> str:
    """The column of position `i` (0-based) as a spreadsheet shows it: A, B, …, Z, AA, AB…"""
    if i < 0:
        raise ValueError(i)
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
