"""SVG post-processing of a drawn chart: inline documents for a page, and a narrower version for a phone.

The charts themselves are drawn by `graphiques`; this module only turns a finished figure into SVG text:
ids prefixed, sizes left to the page's CSS, French spacing, font fallbacks, and the phone redraw.
"""

from __future__ import annotations

import io
import re
import textwrap

from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator

from . import typographie

#: The phone version of a chart: at most this many SVG units wide (72 per inch) once drawn, so that shown
#: across a 375 px screen (343 px of content) one unit is at least one pixel, and its text is at least
#: TEXTE_TELEPHONE units (the browser test checks the smallest chart text is at least 11 px there).
LARGEUR_TELEPHONE = 335
TEXTE_TELEPHONE = 11.5

_POLICE = "'DejaVu Sans'"
_POLICES = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


def _svg_brut(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue().decode("utf-8")


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


def _largeur_svg(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))


def _version_telephone(fig) -> str:
    """`fig` redrawn for a phone: narrower, text no smaller than TEXTE_TELEPHONE, long labels wrapped,
    legends in one column; narrowed again while labels make the drawing wider than LARGEUR_TELEPHONE."""
    largeur, hauteur = fig.get_size_inches()
    for t in fig.findobj(Text):
        if t.get_fontsize() < TEXTE_TELEPHONE:
            t.set_fontsize(TEXTE_TELEPHONE)
    _replier(fig)
    pouces = LARGEUR_TELEPHONE / 72
    fig.set_size_inches(pouces, hauteur * (1.3 if largeur > pouces * 1.4 else 1.0))
    svg = _svg_brut(fig)
    for _ in range(4):
        exces = _largeur_svg(svg) - LARGEUR_TELEPHONE
        if exces <= 0:
            break
        pouces = max(3.0, pouces - exces / 72 - 0.05)
        fig.set_size_inches(pouces, fig.get_size_inches()[1])
        svg = _svg_brut(fig)
    return svg


def _replier(fig) -> None:
    """Phone version: category labels wrapped, fewer numeric ticks, axis titles wrapped, legends in one column."""
    for ax in fig.axes:
        polaire = ax.name == "polar"
        for axe, largeur in ((ax.xaxis, 14 if polaire else 12), (ax.yaxis, 18)):
            if isinstance(axe.get_major_locator(), FixedLocator):
                if not polaire or axe is ax.xaxis:
                    textes = [textwrap.fill(t.get_text().replace("\n", " "), largeur) for t in axe.get_ticklabels()]
                    axe.set_ticks(axe.get_ticklocs(), textes)
            else:
                axe.set_major_locator(MaxNLocator(4))
        for label in (ax.xaxis.label, ax.yaxis.label):
            label.set_text(textwrap.fill(re.sub(r"\s{2,}", " ", label.get_text()), 30))
        leg = ax.get_legend()
        if leg is not None:  # below the chart, one entry per line, room made by the layout
            handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
            leg.remove()
            fig.legend(handles, labels, loc="outside lower center", ncols=1, frameon=False, fontsize=TEXTE_TELEPHONE)


def en_svg(fig, prefixe: str = "g") -> tuple[str, str]:
    """The figure as two inline SVG documents: (wide version, phone version). Call once per figure, inside
    the house style (`graphiques.en_svg` does)."""
    large = _en_ligne(_svg_brut(fig), prefixe + "l")
    return large, _en_ligne(_version_telephone(fig), prefixe + "t")
