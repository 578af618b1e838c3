"""SVG post-processing of a drawn chart: one inline document for a page, drawn at a phone's width.

The charts themselves are drawn by `graphiques`; this module only turns a finished figure into SVG text:
redrawn at a phone's width with text sized for it, ids prefixed, sizes left to the page's CSS (its viewBox
scales it to any screen), French spacing, font fallbacks. One drawing per chart keeps pages light.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap

import matplotlib
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator

from . import typographie

#: A chart is drawn at most this many SVG units wide (72 per inch) once drawn, so that shown
#: across a 375 px screen (343 px of content) one unit is at least one pixel, and its text is at least
#: TEXTE_TELEPHONE units (the browser test checks the smallest chart text is at least 11 px there).
LARGEUR_TELEPHONE = 335
TEXTE_TELEPHONE = 11.5

_POLICE = "'DejaVu Sans'"
_POLICES = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


def _svg_brut(fig, cadre=None) -> str:
    """The figure as an SVG document, cropped to its tight bounding box. `cadre`: that box as `_mise_en_page`
    found it, the figure left laid out by it: the save then draws once, without laying the figure out again."""
    buf = io.BytesIO()
    if cadre is None:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        return buf.getvalue().decode("utf-8")
    moteur = fig.get_layout_engine()
    fig.set_layout_engine(None)  # no engine: the save neither lays the figure out again nor draws it twice
    try:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=cadre)
    finally:
        fig.set_layout_engine(moteur)
    return buf.getvalue().decode("utf-8")


class _Largeur(Exception):  # noqa: N818 (not an error: how `_Sonde` ends a save once the width is known)
    def __init__(self, largeur: float):
        super().__init__(largeur)
        self.largeur = largeur


class _Sonde(io.StringIO):
    """A text file that ends the save writing into it at the SVG header's viewBox: by then matplotlib has laid
    the figure out (the pass that finds the tight bounding box) and drawn nothing yet."""

    def write(self, texte):
        m = re.search(r'viewBox="0 0 ([\d.]+)', texte) if isinstance(texte, str) else None
        if m:
            raise _Largeur(float(m.group(1)))
        return super().write(texte)


def _mise_en_page(fig, eclaircir: bool = False):
    """(the width `_svg_brut(fig)` would have now, its cropping box in inches), without drawing: a save stopped
    once laid out (the same renderer and text measures as a save), the figure left laid out as that save leaves
    it, its tick labels placed (what `_serres` measures) and ready to be drawn once in that box. `eclaircir`:
    numeric ticks whose labels touch are thinned in that same pass (`_eclaircir`), before the box is measured."""
    vu = {}
    boite = fig.get_tightbbox

    def noter(*args, **kwargs):  # the box matplotlib crops to, before its padding
        vu["boite"] = boite(*args, **kwargs)
        for _ in range(3 if eclaircir else 0):
            serres = _serres(fig)
            if not serres:
                break
            for axe in serres:
                bas, haut = sorted(axe.get_view_interval())
                ticks = [v for v in axe.get_ticklocs() if bas - 1e-9 <= v <= haut + 1e-9]
                axe.set_major_locator(FixedLocator(ticks[::2]))
            vu["boite"] = boite(*args, **kwargs)  # the ticks placed again, and the box they leave
        return vu["boite"]

    fig.get_tightbbox = noter
    try:
        fig.savefig(_Sonde(), format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    except _Largeur as fin:
        marge = matplotlib.rcParams["savefig.pad_inches"]  # the padding a tight save adds (no `pad_inches`)
        return fin.largeur, vu["boite"].padded(marge)
    finally:
        del fig.get_tightbbox
    raise RuntimeError("SVG sans viewBox")  # never met: matplotlib writes a viewBox in every SVG header


def _en_ligne(svg: str, prefixe: str) -> str:
    """An SVG document made fit to sit inline in a page: no XML prologue, ids prefixed (several charts per
    page never clash), sized by the page's CSS, hidden from assistive technology (the figure carries the
    text alternative), French spacing in its text, fonts with fallbacks."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefixe}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefixe}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefixe}-{m.group(1)}"', svg)
    svg = re.sub(r'<svg ([^>]*?)\swidth="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1).replace(_POLICE, _POLICES)
    return typographie.html(svg)


_ATTRIBUT_GEOMETRIQUE = re.compile(
    r'\s(d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|points|transform|viewBox)="([^"]*)"', re.I)
_DECIMALES_INUTILES = re.compile(r"(?<![\w.])(-?\d+\.\d{3,})")


def _alleger(svg: str) -> str:
    """Coordinates at two decimals (a hundredth of a unit is a fiftieth of a pixel on any screen) and paths on
    one line: a hatched chart weighs half as much, drawn the same."""

    def court(m: re.Match) -> str:
        valeur = f"{float(m.group(1)):.2f}".rstrip("0").rstrip(".")
        return "0" if valeur == "-0" else valeur

    def attribut(m: re.Match) -> str:
        valeur = _DECIMALES_INUTILES.sub(court, " ".join(m.group(2).split()))
        return f' {m.group(1)}="{valeur}"'

    return _ATTRIBUT_GEOMETRIQUE.sub(attribut, svg)


def _largeur_svg(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))


def _version_telephone(fig) -> str:
    """`fig` redrawn at a phone's width: narrower, text no smaller than TEXTE_TELEPHONE, long labels wrapped,
    legends in one column; narrowed again while labels make the drawing wider than LARGEUR_TELEPHONE."""
    largeur, hauteur = fig.get_size_inches()
    for t in fig.findobj(Text):
        if t.get_fontsize() < TEXTE_TELEPHONE:
            t.set_fontsize(TEXTE_TELEPHONE)
    _replier(fig)
    telephone = LARGEUR_TELEPHONE / 72
    # narrower by what the crop adds: a tight save pads the drawing by `savefig.pad_inches` on each side, where
    # the layout left `w_pad` (and a twentieth of an inch to spare): most charts then fit at the first size
    moteur = fig.get_layout_engine()
    w_pad = moteur.get().get("w_pad", 0) if moteur is not None else 0
    pouces = telephone - 2 * max(0.0, matplotlib.rcParams["savefig.pad_inches"] - w_pad) - 0.05
    fig.set_size_inches(pouces, hauteur * (1.3 if largeur > telephone * 1.4 else 1.0))
    # each size is only laid out (its ticks thinned, its width known), and the last one drawn, once: a chart that
    # fits is laid out once and drawn once, one narrowed (labels wider than the chart) is laid out twice
    largeur, cadre = _eclaircir(fig)
    for _ in range(4):
        exces = largeur - LARGEUR_TELEPHONE
        if exces <= 0:
            break
        pouces = max(3.0, pouces - exces / 72 - 0.05)
        fig.set_size_inches(pouces, fig.get_size_inches()[1])
        largeur, cadre = _mise_en_page(fig)
    return _svg_brut(fig, cadre)


def _categories(axe) -> bool:
    """Whether an axis's ticks name categories (set with their labels: `set_ticks(locs, labels)`), never to be
    dropped, rather than values (a formatter such as `graphiques.formateur_axe`), which may be thinned."""
    f = axe.get_major_formatter()
    return isinstance(f, FixedFormatter) or (isinstance(f, FuncFormatter) and isinstance(f.func, functools.partial))


def _se_touchent(a, b, marge: float = 2.0) -> bool:
    """Whether two text boxes (display units) overlap or come closer than `marge`."""
    return a.x0 < b.x1 + marge and b.x0 < a.x1 + marge and a.y0 < b.y1 + marge / 2 and b.y0 < a.y1 + marge / 2


def _serres(fig) -> list:
    """The numeric axes of a laid-out figure two of whose tick labels touch, measured in the SVG's own units (the
    renderer that laid them out, at its 72 units per inch)."""
    serres = []
    for ax in fig.axes:
        if ax.name == "polar":
            continue
        for axe in (ax.xaxis, ax.yaxis):
            if _categories(axe):
                continue
            boites = [t.get_window_extent(dpi=72) for t in axe.get_ticklabels() if t.get_visible() and t.get_text()]
            if any(_se_touchent(a, b) for i, a in enumerate(boites) for b in boites[i + 1 :]):
                serres.append(axe)
    return serres


def _eclaircir(fig):
    """Numeric ticks thinned, one in two, while two tick labels of one axis touch (`60 000 €120 000 €` on a
    phone); category ticks are never dropped (their labels are wrapped instead). Returns `_mise_en_page` of the
    figure as it is left. The thinning is done within the one layout (`_mise_en_page(eclaircir=True)`): the
    layout made room for the labels before they were thinned, which fewer labels only leave wider, and the box
    is measured once they are; a chart is not laid out again for its ticks (a tenth of a second a chart)."""
    return _mise_en_page(fig, eclaircir=True)


def _plier(texte: str, largeur: int) -> str:
    """`texte` on lines of about `largeur` characters, broken at spaces only: a word longer than a line stays
    whole (« Investissement », never « Investisseme / nt »)."""
    return textwrap.fill(re.sub(r"\s+", " ", texte).strip(), largeur, break_long_words=False,
                         break_on_hyphens=False)


def _replier(fig) -> None:
    """Phone version: category labels wrapped, fewer numeric ticks, axis titles wrapped, legends in one column."""
    for ax in fig.axes:
        polaire = ax.name == "polar"
        for axe, largeur in ((ax.xaxis, 12), (ax.yaxis, 18)):
            if isinstance(axe.get_major_locator(), FixedLocator):  # numeric fixed ticks: `_eclaircir` thins them
                if _categories(axe) and (not polaire or axe is ax.xaxis):
                    textes = [_plier(t.get_text(), largeur) for t in axe.get_ticklabels()]
                    axe.set_ticks(axe.get_ticklocs(), textes)
            else:
                axe.set_major_locator(MaxNLocator(4))
        for label in (ax.xaxis.label, ax.yaxis.label):
            label.set_text(_plier(label.get_text(), 30))
        leg = ax.get_legend()
        if leg is not None:  # below the chart, one entry per line, room made by the layout
            handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
            leg.remove()
            fig.legend(handles, labels, loc="outside lower center", ncols=1, frameon=False, fontsize=TEXTE_TELEPHONE)


def en_svg(fig, prefixe: str = "g") -> str:
    """The figure as one inline SVG document drawn for a phone's width, which the page scales by its viewBox
    (the stylesheet caps its width on wide screens). Call once per figure, inside the house style
    (`graphiques.en_svg` does)."""
    return _alleger(_en_ligne(_version_telephone(fig), prefixe))
