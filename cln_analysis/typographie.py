"""French typography, applied once to every published page (text nodes and text attributes only).

The rule, written down once:
- a narrow no-break space (U+202F) before « ; ! ? », after « « » and before « » »;
- a no-break space (U+00A0) before « : » (the wider space French typesetting gives the colon);
- no breakable space inside a number (`163 049 676`) or between a number and the word or sign that
  follows it (`14 chiffres`, `7,3 %`, `3 058 244 €`): U+00A0 there (Babel's own U+202F is kept).

`texte` applies it to plain text; `html` applies it to the text nodes of an HTML or SVG document and to
its text attributes (`alt`, `aria-label`, `title`), never inside a tag, `<pre>`, `<code>`, `<style>` or
`<script>` (the audit page's code stays as written). Publishing calls `html` on every page it writes,
so every report — new ones included — gets it without a call per sentence.
"""

from __future__ import annotations

import re

ESPACE_FINE = "\u202f"
ESPACE_INSECABLE = "\u00a0"

# a breakable space: ASCII space, tab or line break (never U+00A0 / U+202F)
_S = r"[ \t\r\n]"
# an existing space of any kind, replaced (never added where none is); a match starts only where a run of spaces
# starts, so that a long run (a cell of 130 000 spaces) is scanned once, not once per position (quadratic)
_DEBUT = r"(?<![ \t\r\n\u00a0\u202f])"
_ESPACES = _DEBUT + r"[ \t\r\n\u00a0\u202f]+"
_AVANT_PONCTUATION = re.compile(_ESPACES + r"([;!?])(?=\s|$|<|[»)\].,])")  # « oui ? », not « ?x=1 »
_AVANT_DEUX_POINTS = re.compile(_ESPACES + r":(?=\s|$)")
_APRES_GUILLEMET = re.compile(r"«[ \t\r\n\u00a0\u202f]*")
_AVANT_GUILLEMET = re.compile(_DEBUT + r"[ \t\r\n\u00a0\u202f]*»")
_DANS_NOMBRE = re.compile(r"(?<=\d)" + _S + r"+(?=\d{3}(?!\d))")
_NOMBRE_UNITE = re.compile(r"(?<=\d)" + _S + r"+(?=[%€$£]|[^\W\d_])")

_PROTEGES = ("pre", "code", "style", "script", "textarea")
_JETON = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_ATTRIBUT = re.compile(r'(\s(?:alt|aria-label|title|data-label)=")([^"]*)(")')
_NOM_BALISE = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)")


#: What one rule at least needs somewhere in the text: a breakable space (numbers, units), a guillemet, or a sign
#: spaced before it (« ; ! ? : »); a text without one is left as it is, found by one scan: a page's thousands of
#: numbers, codes and amounts (`12 345`, `3 058 244,50 €`, already spaced by Babel)
_BESOIN = re.compile(r"[ \t\r\n«»;!?:]")


def texte(t: str) -> str:
    """Plain text with French spacing (idempotent)."""
    if not t or not _BESOIN.search(t):
        return t
    t = _APRES_GUILLEMET.sub("«" + ESPACE_FINE, t)
    t = _AVANT_GUILLEMET.sub(ESPACE_FINE + "»", t)
    t = _AVANT_PONCTUATION.sub(ESPACE_FINE + r"\1", t)
    t = _AVANT_DEUX_POINTS.sub(ESPACE_INSECABLE + ":", t)
    t = _DANS_NOMBRE.sub(ESPACE_FINE, t)
    return _NOMBRE_UNITE.sub(ESPACE_INSECABLE, t)


def html(document: str) -> str:
    """An HTML (or SVG) document with French spacing in its text nodes and text attributes."""
    parts = _JETON.split(document)
    out = []
    protege = 0
    for i, part in enumerate(parts):
        if i % 2 == 0:  # a text node
            out.append(part if protege else texte(part))
            continue
        if part.startswith("<!--"):
            out.append(part)
            continue
        m = _NOM_BALISE.match(part)
        if m and m.group(2).lower() in _PROTEGES and not part.endswith("/>"):
            protege = max(0, protege + (-1 if m.group(1) else 1))
        out.append(_ATTRIBUT.sub(lambda a: a.group(1) + texte(a.group(2)) + a.group(3), part))
    return "".join(out)
