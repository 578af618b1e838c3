"""The visible text of every public page is what it was (the snapshot in tests/fixtures/pages_visibles/): a
refactoring of the notebooks or of their text functions changes no word and no number a reader sees."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest
from texte_visible import texte_visible

from cln_analysis import catalogue

ATTENDUS = Path(__file__).parent / "fixtures" / "pages_visibles"
PAGES = ["index", *(r.id for r in catalogue.RAPPORTS)]


def test_the_extraction_keeps_what_a_reader_sees_and_drops_what_changes():
    page = ('<html><head><title>T</title><style>p{}</style></head><body><h1>Titre</h1><p>Un <strong>2,04</strong>'
            '\u202f%</p><div role="img" aria-label="Diagramme : a 1 ; b 2"><svg><text>1</text></svg></div>'
            '<ul><li>a</li><li>b</li></ul><p>Début : 1 décembre 2026 à 07:37:51</p><script>x=1</script></body></html>')
    assert texte_visible(page) == "Titre\nUn 2,04 %\n[Diagramme : a 1 ; b 2]\na\nb\n"


@pytest.mark.e2e
@pytest.mark.parametrize("page", PAGES)
def test_the_visible_text_of_each_page_is_unchanged(depot_produit, page):
    vu = texte_visible((depot_produit / "reports" / f"{page}.html").read_text(encoding="utf-8"))
    attendu = (ATTENDUS / f"{page}.txt").read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(attendu.splitlines(True), vu.splitlines(True), "attendu", "vu"))
    assert vu == attendu, f"{page} : le texte visible a changé\n{diff}"


if __name__ == "__main__":  # regenerate the snapshot from a produced copy (a change made on purpose)
    racine = Path(sys.argv[1])
    for nom in PAGES:
        texte = texte_visible((racine / "reports" / f"{nom}.html").read_text(encoding="utf-8"))
        (ATTENDUS / f"{nom}.txt").write_text(texte, encoding="utf-8")
