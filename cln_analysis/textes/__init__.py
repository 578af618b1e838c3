"""The French text of each report: sentences with numbers, alternatives and captions of its charts, its limits.

One module per report. Each function takes the report (`Rapport`, for its declared figures and tables) and the
results the analysis module computed, and returns what the notebook displays, in order: the notebooks only call
them. No function here computes a figure: a number it prints is a declared figure (`Rapport.valeur`), a table cell,
or an input value shown as read.
"""

from __future__ import annotations

from collections.abc import Iterable


def declarer(r, chiffres: Iterable[dict]) -> None:
    """Declare every figure an analysis module's `chiffres()` returned (`Rapport.chiffre`, one call each)."""
    for c in chiffres:
        r.chiffre(**c)
