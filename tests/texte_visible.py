"""The visible text of a published page, one block per line: what a reader sees, without the charts' drawings
(their text alternative and tables are kept), scripts, styles or the lines that change on every run (date, commit,
run time). Used by `test_pages_visibles` to prove a refactoring leaves every page's text as it was."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose content no reader sees as text (an SVG's text is drawn; its figure carries the alternative).
_CACHES = {"script", "style", "svg", "template", "head"}
#: Elements that start a new line of text.
_BLOCS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "caption", "figcaption", "blockquote", "div", "dt", "dd",
          "section", "header", "footer", "nav", "table", "ul", "ol", "details", "summary", "br", "main", "article",
          "aside", "figure", "td", "th"}
_VIDES = {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lignes: list[str] = []
        self.blocs: list[tuple[str, str]] = []  # each line with the element it is read in (`blocs_visibles`)
        self._courante: list[str] = []
        self._element = ""
        self._cache = 0
        self._pile: list[str] = []

    def _couper(self) -> None:
        ligne = re.sub(r"[\s\u00a0\u202f]+", " ", "".join(self._courante)).strip()
        if ligne:
            self.lignes.append(ligne)
            self.blocs.append((self._element, ligne))
        self._courante = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("alt"):
            self._couper()
            self.lignes.append("[image] " + re.sub(r"\s+", " ", a["alt"]).strip())
            self.blocs.append(("alt", re.sub(r"\s+", " ", a["alt"]).strip()))
        if tag in _VIDES:
            if tag == "br":
                self._couper()
            return
        self._pile.append(tag)
        if tag in _CACHES or "hidden" in a:
            self._cache += 1
        if tag in _BLOCS:
            self._couper()
        if a.get("aria-label") and not self._cache:
            self.lignes.append("[" + re.sub(r"[\s\u00a0\u202f]+", " ", a["aria-label"]).strip() + "]")
            self.blocs.append(("aria-label", re.sub(r"[\s\u00a0\u202f]+", " ", a["aria-label"]).strip()))

    def handle_endtag(self, tag):
        if tag in _VIDES or tag not in self._pile:
            return
        while self._pile:
            t = self._pile.pop()
            if t in _CACHES:
                self._cache -= 1
            if t == tag:
                break
        if tag in _BLOCS:
            self._couper()

    def handle_data(self, data):
        if not self._cache:
            if not "".join(self._courante).strip():  # the line's first text: the element it is read in
                self._element = next((t for t in reversed(self._pile) if t in _BLOCS or t == "pre"), "")
            self._courante.append(data)


#: Lines that differ between two runs of the same inputs.
_VOLATILES = re.compile(r"(^Début : |^Fin : |mis à jour le \d|Commit git|Généré le|généré le|Produit le|produit le"
                        r"|Durée|durée d'exécution|en \d+,?\d* s\b"
                        r"|^\d{1,2}(er)? \w+ \d{4} à \d{2}:\d{2}(:\d{2})?$)")  # a source report's run time (bilan)


_SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def texte_visible(html: str) -> str:
    p = _Visible()
    p.feed(html)
    p._couper()
    # a SHA-256 is shown as such: the bilan's sources' records hold their run time, so their fingerprints move
    lignes = (_SHA256.sub("<SHA-256>", ligne) for ligne in p.lignes if not _VOLATILES.search(ligne))
    return "\n".join(lignes) + "\n"


def blocs_visibles(html: str) -> list[tuple[str, str]]:
    """The same lines as `texte_visible`, each with the element it is read in (« p », « li », « td »…, or
    « alt » / « aria-label » for a text alternative); the lines that change on every run are kept."""
    p = _Visible()
    p.feed(html)
    p._couper()
    return p.blocs
