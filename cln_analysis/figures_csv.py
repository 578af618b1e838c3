"""data/processed/figures.csv as text: read, and merged report by report (csv module only, so
that the runner's no-change path imports no pandas)."""

from __future__ import annotations

import csv
import io

COLONNES = ["figure_id", "report", "label", "value", "unit", "formula", "published", "status"]


def lire(texte: str) -> list[dict[str, str]]:
    """The rows of figures.csv (every value as text)."""
    return list(csv.DictReader(io.StringIO(texte))) if texte.strip() else []


def ecrire(rows: list[dict]) -> str:
    """figures.csv text: sorted by figure_id, `\\n` line ends, minimal quoting — byte-stable."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLONNES, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(sorted(({k: str(r[k]) for k in COLONNES} for r in rows), key=lambda r: r["figure_id"]))
    return out.getvalue()


def fusionner(existant: str, nouvelles: dict[str, list[dict]]) -> str:
    """figures.csv with the rows of each report in `nouvelles` replaced."""
    kept = [r for r in lire(existant) if r["report"] not in nouvelles]
    return ecrire(kept + [r for rows in nouvelles.values() for r in rows])
