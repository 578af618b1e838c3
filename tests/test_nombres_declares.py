"""Every number in the prose of a page is a declared figure (`data-chiffre`) or a cell of one of its tables
(issue 21, point 1): a number computed in a notebook or a text function and never declared cannot reach a page.

Prose is the paragraphs and list items of a report's body, before « Traçabilité » (parameters, hashes and the
reconciliation are tables of their own), the « Méthode » section aside (its numbers are the method's constants:
thresholds, scales). Not numbers of the analysis, and so allowed: years (1900–2100), dates
(« 31 janvier 2026 »), « n°6 », quotations (« … » and citations: a source's words), and the few fixed words of a
scale listed in FIXES."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cln_analysis import catalogue

MOIS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
NOMBRE = re.compile(r"(?<![\w,])[−+-]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?(?![\w,])")
#: Words of a fixed scale or method, not results (a mark « sur 4 », an interval « à 95 % », « 24 h/24 »).
FIXES = re.compile(r"sur [45]\b|sur 100\b|à 95\u00a0%|à 95 %|24 h/24|1 si tous|0 si leurs|de 0 à 4|de 1 à 5|"
                   r"\b[0-4] (?:et|ou) [0-4]\b|note médiane de 1 ou moins|"
                   r"au moins \d+ membres|à partir de \d+ membres|"
                   rf"\d{{1,2}}\s(?:{MOIS})\s\d{{4}}|\bn°\d+|\b(?:19|20)\d\d\b|«[^»]*»|\(\d{{4}}-\d\d[^)]*\)")


class _Prose(HTMLParser):
    """The prose of a page (numbers inside `data-chiffre` blanked) and the text of its table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.prose: list[str] = []
        self.cellules: set[str] = set()
        self._pile: list[tuple[str, bool]] = []
        self._texte: list[str] = []
        self._cellule: list[str] | None = None
        self.fin = False
        self.methode = False

    def _dans(self, *tags) -> bool:
        return any(t in tags for t, _ in self._pile)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._pile.append((tag, "data-chiffre" in a))
        if tag in ("td", "th"):
            self._cellule = []
        if tag in ("p", "li") and not self._dans("table", "blockquote", "figure", "footer", "nav", "header"):
            self._texte = []

    def handle_endtag(self, tag):
        while self._pile:
            t, _ = self._pile.pop()
            if t == tag:
                break
        if tag in ("td", "th") and self._cellule is not None:
            self.cellules.add(re.sub(r"[\s\u00a0\u202f]+", " ", "".join(self._cellule)).strip())
            self._cellule = None
        if tag in ("p", "li") and not self._dans("table", "blockquote", "figure", "footer", "nav", "header") \
                and not self.fin and not self.methode:
            self.prose.append("".join(self._texte))
            self._texte = []

    def handle_data(self, data):
        if self._cellule is not None:
            self._cellule.append(data)
        if self._dans("h2"):
            self.methode = data.strip() == "Méthode"
            self.fin = self.fin or data.strip() == "Traçabilité"
        if any(marque for _, marque in self._pile):
            data = "▮"  # a declared figure
        self._texte.append(data)


def nombres_non_declares(html: str) -> list[str]:
    p = _Prose()
    p.feed(html)
    cellules = {re.sub(r"[\s\u00a0\u202f]+", " ", c) for c in p.cellules}
    trouves = []
    for texte in p.prose:
        reste = FIXES.sub("", texte)
        for m in NOMBRE.finditer(reste):
            n = re.sub(r"[\s\u00a0\u202f]+", " ", m.group()).lstrip("+−-")
            if not any(n == c or re.search(rf"(?<![\d,]){re.escape(n)}(?![\d,])", c) for c in cellules):
                trouves.append(f"{n} dans « {texte.strip()[:100]} »")
    return trouves


def test_the_rule_finds_a_number_that_is_neither_a_figure_nor_a_cell():
    page = ('<main><p>En 2025, <span data-chiffre="a">1 234</span> appels, soit 1 sur 5, et 12 % le 3 mars 2026 ; '
            'l\'engagement n°6 dit « 10 à 15 minutes ».</p><p>Note de 3,2 sur 4.</p>'
            '<table><tr><td>3,2</td></tr></table><h2>Traçabilité</h2><p>42</p></main>')
    assert [t.split(" dans ")[0] for t in nombres_non_declares(page)] == ["1", "12"]


@pytest.mark.e2e
@pytest.mark.parametrize("rapport", catalogue.RAPPORTS, ids=lambda r: r.id)
def test_every_number_in_a_pages_prose_is_a_declared_figure_or_a_table_cell(depot_produit, rapport):
    html = (depot_produit / "reports" / f"{rapport.id}.html").read_text(encoding="utf-8")
    assert nombres_non_declares(html) == []
