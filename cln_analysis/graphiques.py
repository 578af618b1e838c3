"""The house chart style: sober, colour-blind-safe, French number formats, SVG output.

Charts are drawn here and nowhere else; they take tables that the analysis modules computed.
Every mark has a dark outline so that it stands out from the white background whatever its fill
(WCAG 1.4.11), and no chart carries meaning by colour alone (labels, hatches, order).
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import formats, svg

# matplotlib's object API, without pyplot: no GUI backend, and half a second less per kernel.

#: Okabe–Ito colours, darkened where needed for 3:1 contrast on white.
BLEU = "#0072B2"
VERMILLON = "#C0500A"
VERT = "#007A5E"
VIOLET = "#7B4F9D"
GRIS = "#5A5A5A"
GRIS_CLAIR = "#C8C8C8"
PALETTE = [BLEU, VERMILLON, VERT, VIOLET, GRIS]
CONTOUR = "#1A1A1A"
TEXTE = "#1A1A1A"

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11.5,
    "ytick.labelsize": 11.5,
    "legend.fontsize": 11,
    "axes.edgecolor": GRIS,
    "axes.labelcolor": TEXTE,
    "text.color": TEXTE,
    "xtick.color": TEXTE,
    "ytick.color": TEXTE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "figure.figsize": (7.2, 4.0),
    "figure.dpi": 100,
    "svg.fonttype": "none",  # real SVG text: selectable, read by tools, sized by the page
    "svg.hashsalt": "cln-analysis",
    "axes.formatter.use_locale": False,
    # text from the data (a criterion title with `$…$`) is drawn as it is, never as mathematics
    "text.parse_math": False,
}


def dans_le_style(fn):
    """`fn` run inside the house style (`STYLE` in a `matplotlib.rc_context`): importing this module changes
    no process-wide setting, and a chart looks the same whatever the caller set."""

    @functools.wraps(fn)
    def avec_style(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return fn(*args, **kwargs)

    return avec_style


@dans_le_style
def en_svg(fig, prefixe: str = "g") -> str:
    """The figure as one inline SVG document, drawn for a phone's width and scaled by the page, saved in the
    house style (the post-processing is `svg.en_svg`). Call once per figure."""
    return svg.en_svg(fig, prefixe)

FORMATEURS: dict[str, Callable[[float], str]] = {
    "entier": lambda v: formats.entier(v),
    "euros": lambda v: formats.euros(v),
    "pourcentage": lambda v: formats.pourcentage(v, 0),
    "pourcentage1": lambda v: formats.pourcentage(v, 1),
    "note": lambda v: formats.nombre(v, 1),
}


class _FormateurAxe(FuncFormatter):
    """Tick labels with the fewest decimals that print every tick exactly (`2,5 %`, never a tick at
    2,5 % rounded to « 3 % »)."""

    def __init__(self, fn: Callable[[float, int], str], echelle: int, minimum: int):
        super().__init__(lambda v, _pos: fn(v, self.decimales))
        self.echelle, self.minimum, self.decimales = echelle, minimum, minimum

    def format_ticks(self, values):
        self.decimales = formats.decimales_exactes(values, self.echelle, self.minimum)
        return super().format_ticks(values)


def formateur_axe(nom: str) -> FuncFormatter:
    """A tick formatter in French (`100 000`, `20 %`, `3 058 244 €`); percentages without decimals
    unless a tick needs some."""
    fn, echelle, minimum = {"entier": (formats.nombre, 1, 0), "euros": (formats.euros, 1, 0),
                            "note": (formats.nombre, 1, 1), "pourcentage": (formats.pourcentage, 100, 0)}[
        "pourcentage" if nom.startswith("pourcentage") else nom]
    return _FormateurAxe(fn, echelle, minimum)


def figure(largeur: float = 7.2, hauteur: float = 4.0):
    """A new figure and axes in the house style."""
    fig = Figure(figsize=(largeur, hauteur), layout="constrained")
    return fig, fig.add_subplot()


@dans_le_style
def barres_horizontales(
    libelles: Sequence[str],
    valeurs: Sequence[float],
    format_valeur: str = "pourcentage1",
    titre_axe: str = "",
    couleurs: Sequence[str] | None = None,
    hauteur: float | None = None,
):
    """Horizontal bars, labelled at their end with their French value, first label on top."""
    fn = FORMATEURS[format_valeur]
    n = len(libelles)
    fig, ax = figure(hauteur=hauteur or max(2.2, 0.75 * n + 1.0))
    ys = list(range(n))[::-1]
    colors = list(couleurs) if couleurs else [PALETTE[i % len(PALETTE)] for i in range(n)]
    ax.barh(ys, valeurs, color=colors, edgecolor=CONTOUR, linewidth=0.8, height=0.6)
    top = max(valeurs) if len(valeurs) else 1
    for y, v in zip(ys, valeurs, strict=False):
        ax.text(v + top * 0.015, y, fn(v), va="center", ha="left", fontsize=12, fontweight="bold")
    ax.set_yticks(ys, libelles)
    ax.set_xlim(0, top * 1.25 if top > 0 else 1)
    ax.xaxis.set_major_formatter(formateur_axe(format_valeur))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.grid(axis="y", visible=False)
    if titre_axe:
        ax.set_xlabel(titre_axe)
    return fig


@dans_le_style
def barres_groupees(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    format_valeur: str = "entier",
    titre_axe: str = "",
    etiquettes: bool = True,
    hachures: Sequence[str] | None = None,
):
    """Vertical grouped bars (one group per category, one bar per series), with a legend. A category where a
    series has no value (an allocation not yet known) centres the bars it has on its label."""
    fn = FORMATEURS[format_valeur]
    n_series = len(series)
    width = 0.8 / max(n_series, 1)
    fig, ax = figure()
    top = max((max(x for x in v if not formats.est_manquant(x)) for v in series.values() if len(v)), default=1)
    hatch = list(hachures) if hachures else ["", "//", "..", "xx", "\\\\"]
    presentes = [[i for i, v in enumerate(series.values()) if x < len(v) and not formats.est_manquant(v[x])]
                 for x in range(len(categories))]  # by category, the series that have a bar there
    for i, (name, values) in enumerate(series.items()):
        pairs = [(x + (presentes[x].index(i) - (len(presentes[x]) - 1) / 2) * width, v)
                 for x, v in enumerate(values) if not formats.est_manquant(v)]
        xs, values = [p[0] for p in pairs], [p[1] for p in pairs]
        ax.bar(xs, values, width=width * 0.95, label=name, color=PALETTE[i % len(PALETTE)],
               edgecolor=CONTOUR, linewidth=0.8, hatch=hatch[i % len(hatch)])
        if etiquettes:
            for x, v in zip(xs, values, strict=False):
                ax.text(x, v + top * 0.01, fn(v), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(range(len(categories)), categories)
    ax.grid(axis="x", visible=False)
    _axe_valeurs(ax, format_valeur, top * 1.15, titre_axe)
    if n_series > 1:
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(n_series, 3))
    return fig


def _axe_valeurs(ax, format_valeur: str, plafond: float | None, titre_axe: str) -> None:
    """The vertical value axis of bars and lines: French ticks, five at most, from zero (to `plafond`, or
    matplotlib's choice), its title."""
    ax.yaxis.set_major_formatter(formateur_axe(format_valeur))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylim(0, plafond)
    if titre_axe:
        ax.set_ylabel(titre_axe)


def _valeurs(values) -> list[float | None]:
    return [None if formats.est_manquant(v) else float(v) for v in values]


#: An axis of months names every month up to this many; a longer series (a log of ten years) names one month in
#: `PAS_MOIS`'s first step that leaves at most `ETIQUETTES_MOIS` names, from the first month: 120 labels would
#: overlap on any screen (and cost seconds to lay out), while the table below the chart keeps every month.
MOIS_TOUS_NOMMES = 24
ETIQUETTES_MOIS = 12
PAS_MOIS = (2, 3, 4, 6, 12, 24, 36, 60, 120)


def pas_etiquettes(n: int) -> int:
    """One label in how many, for `n` months in order (1: every month is named)."""
    if n <= MOIS_TOUS_NOMMES:
        return 1
    return next((p for p in PAS_MOIS if math.ceil(n / p) <= ETIQUETTES_MOIS), math.ceil(n / ETIQUETTES_MOIS))


def _axe_mois(ax, abscisses: Sequence[str]) -> None:
    """The horizontal axis of a series of months: every month named, or one in `pas_etiquettes` (the first
    month always); slanted beyond four labels."""
    n = len(abscisses)
    pas = pas_etiquettes(n)
    positions = list(range(0, n, pas))
    vues = len(positions)
    ax.set_xticks(positions, [abscisses[i] for i in positions], rotation=45 if vues > 4 else 0,
                  ha="right" if vues > 4 else "center")


@dans_le_style
def courbes_reference(
    abscisses: Sequence[str],
    series: dict[str, Sequence[float | None]],
    references: Sequence[tuple[str, float]] = (),
    format_valeur: str = "pourcentage",
    titre_axe: str = "",
):
    """Lines with markers and labelled horizontal reference lines (a national target, a national result).

    A series with no value has no line and no legend entry; the axis always includes every point and every
    reference with room above, so nothing is clipped; the legend, below the plot, names the series and then
    each reference with its value (a label on the plot would hide the lines near it).
    """
    markers = ["o", "s", "^", "D", "v"]
    styles = ["-", "--", ":", "-."]
    fig, ax = figure(hauteur=4.4)
    n = len(abscisses)
    drawn = 0
    top = 0.0
    for i, (name, values) in enumerate(series.items()):
        vals = _valeurs(values)
        xs = [x for x, v in zip(range(n), vals, strict=False) if v is not None]
        ys = [v for v in vals if v is not None]
        if not ys:
            continue
        top = max(top, max(ys))
        ax.plot(xs, ys, marker=markers[i % 5], linestyle=styles[i % 4], color=PALETTE[i % len(PALETTE)],
                linewidth=2, markersize=7, markeredgecolor=CONTOUR, label=name, clip_on=False, zorder=3)
        drawn += 1
    formateur = FORMATEURS["pourcentage1" if format_valeur.startswith("pourcentage") else format_valeur]
    tirets = [(0, (6, 3)), (0, (1.5, 2)), (0, (8, 2, 2, 2))]
    for j, (label, value) in enumerate(sorted(references, key=lambda r: -r[1])):
        # a reference is named in the legend, not on the plot: its label never hides a line or a point
        top = max(top, value)
        ax.axhline(value, color=GRIS, linewidth=1.4, linestyle=tirets[j % len(tirets)], zorder=2,
                   label=f"{label} : {formateur(value)}")
        drawn += 1
    _axe_mois(ax, abscisses)
    ax.set_xlim(-0.5, n - 0.5)
    _axe_valeurs(ax, format_valeur, (top or 1) * 1.12, titre_axe)
    if drawn:
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3 if n > 4 else -0.12), ncol=min(drawn, 2))
    return fig


@dans_le_style
def barres_empilees(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    format_valeur: str = "entier",
    titre_axe: str = "",
):
    """Stacked vertical bars, one per category, with hatches so colour is not needed; a series with no
    value anywhere is left out (no empty legend entry). Legend below the plot, in stacking order."""
    hatch = ["", "//", "..", "xx", "\\\\"]
    fig, ax = figure(hauteur=4.6)
    n = len(categories)
    bottom = [0.0] * n
    kept = [(name, _valeurs(v)) for name, v in series.items() if any(x for x in _valeurs(v) if x is not None)]
    poignees = []
    for i, (name, vals) in enumerate(kept):
        heights = [v or 0.0 for v in vals]
        # one collection per series, drawn as one artist: the same rectangles as `ax.bar`, but ten years of
        # months (480 bars) lay out in a fraction of the time
        style = {"facecolor": PALETTE[i % len(PALETTE)], "edgecolor": CONTOUR, "linewidth": 0.8,
                 "hatch": hatch[i % len(hatch)]}
        ax.add_collection(PatchCollection([Rectangle((x - 0.325, b), 0.65, h) for x, b, h in
                                           zip(range(n), bottom, heights, strict=True)], **style), autolim=True)
        poignees.append(Patch(label=name, **style))
        bottom = [b + h for b, h in zip(bottom, heights, strict=False)]
    ax.autoscale_view()
    _axe_mois(ax, categories)
    ax.grid(axis="x", visible=False)
    _axe_valeurs(ax, format_valeur, (max(bottom) if bottom else 1) * 1.08 or 1, titre_axe)
    if kept:
        ax.legend(handles=poignees, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3 if n > 4 else -0.12),
                  ncol=2)
    return fig


#: Colours of the five levels (dark red → dark blue); hatches repeat the meaning without colour.
COULEURS_NIVEAUX = ["#A50F15", "#F4A582", "#D0D0D0", "#92C5DE", "#08519C"]
HACHURES_NIVEAUX = ["xx", "//", "", "..", "oo"]


@dans_le_style
def barres_divergentes(
    libelles: Sequence[str], parts: Sequence[Sequence[float]], abstentions: Sequence[int], noms_niveaux: Sequence[str],
    etiquettes: Sequence[Sequence[str]] | None = None,
):
    """Diverging stacked bars: levels 0–1 to the left, 2 split across the axis, 3–4 to the right;
    `parts[i]` are the shares of levels 0…4 among the answers of row i. Each row is titled above its bar, with
    its abstentions (« 2 abstentions », as the tables name them), so that the bars take the whole width, a phone's
    too; a segment is labelled
    when the label fits inside it (the table below the chart gives every count): with its share, or with
    `etiquettes[i][k]` when given (a row with few answers is labelled with its counts, as its table says it)."""
    n = len(libelles)
    fig, ax = figure(hauteur=max(3.4, 0.95 * n + 1.8))
    ys = list(range(n))[::-1]
    for i, (y, p, a, nom) in enumerate(zip(ys, parts, abstentions, libelles, strict=False)):
        abst = formats.pluriel(a, "abstention", "abstentions").replace(" ", "\u00a0")  # « 0 abstention » kept whole
        titre_ligne = textwrap.fill(f"{nom} · {abst}", 42, break_long_words=False)
        ax.text(-1, y + 0.3, titre_ligne, ha="left", va="bottom", fontsize=11.5, linespacing=1.3)  # lines apart
        left = -(p[0] + p[1] + p[2] / 2)
        for k, w in enumerate(p[:5]):
            if w > 0:
                ax.barh(y, w, left=left, color=COULEURS_NIVEAUX[k], hatch=HACHURES_NIVEAUX[k], edgecolor=CONTOUR,
                        linewidth=0.6, height=0.5)
                if w >= SEUIL_ETIQUETTE_SEGMENT:
                    texte = formats.pourcentage(w, 0) if etiquettes is None else etiquettes[i][k]
                    ax.text(left + w / 2, y, texte, ha="center", va="center", fontsize=11.5,
                            color="#FFFFFF" if k in (0, 4) else TEXTE,
                            bbox=dict(boxstyle="round,pad=0.12", fc=COULEURS_NIVEAUX[k], ec="none"))
            left += w
    ax.axvline(0, color=CONTOUR, linewidth=1.2)
    ax.set_yticks([])
    ax.set_ylim(-0.6, n - 0.1)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: formats.pourcentage(abs(v), 0)))
    ax.set_xlabel("← notes 0 et 1 · part des notes données · notes 3 et 4 →")
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    handles = [
        Patch(facecolor=COULEURS_NIVEAUX[k], hatch=HACHURES_NIVEAUX[k], edgecolor=CONTOUR, label=noms_niveaux[k])
        for k in range(5)
    ]
    ax.legend(handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.1 / max(n, 1)),
              ncol=3, fontsize=10)
    return fig


#: The smallest share of a diverging bar labelled inside its segment: at a phone's width the bars span about
#: 300 units, so a fifth of a half-axis is 30 units, the width of « 33 % » in 11,5 px text.
SEUIL_ETIQUETTE_SEGMENT = 0.2


@dans_le_style
def radar(libelles: Sequence[str], valeurs: Sequence[float], maximum: float = 4):
    """A radar of one value per criterion, in the given order, with the levels as rings."""
    n = len(libelles)
    angles = [2 * math.pi * i / n for i in range(n)]
    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    closed_a, closed_v = angles + angles[:1], list(valeurs) + list(valeurs)[:1]
    ax.plot(closed_a, closed_v, color=BLEU, linewidth=2.2, marker="o", markersize=7, markeredgecolor=CONTOUR)
    ax.fill(closed_a, closed_v, color=BLEU, alpha=0.18)
    ax.set_xticks(angles, [l.replace(", ", ",\n") for l in libelles], fontsize=10)
    # each label grows away from the ring from its point: centred, a side label (« Efficacité environnementale »)
    # would cross the ring on a phone
    for a, t in zip(angles, ax.get_xticklabels(), strict=True):
        x, y = math.sin(a), math.cos(a)  # where the criterion sits: clockwise from the top
        t.set_horizontalalignment("left" if x > 0.2 else "right" if x < -0.2 else "center")
        t.set_verticalalignment("bottom" if y > 0.2 else "top" if y < -0.2 else "center")
    ax.set_ylim(0, maximum)
    ax.set_yticks(
        np.arange(0, maximum + 1), [formats.entier(v) for v in np.arange(0, maximum + 1)], fontsize=9, color=GRIS
    )
    ax.grid(color="#BBBBBB")
    return fig


@dans_le_style
def parts_avec_intervalles(
    libelles: Sequence[str],
    parts: Sequence[float],
    bas: Sequence[float],
    haut: Sequence[float],
    titre_axe: str = "Part des réponses",
):
    """Horizontal bars of shares (0–100 %), each with its 95 % confidence interval as a black whisker,
    labelled « 62 % (45–76 %) » to its right; first label on top."""
    n = len(libelles)
    fig, ax = figure(hauteur=max(2.4, 0.8 * n + 1.2))
    ys = list(range(n))[::-1]
    err = [
        [max(0.0, p - b) for p, b in zip(parts, bas, strict=True)],
        [max(0.0, h - p) for p, h in zip(parts, haut, strict=True)],
    ]
    ax.barh(ys, parts, color=BLEU, edgecolor=CONTOUR, linewidth=0.8, height=0.55)
    ax.errorbar(parts, ys, xerr=err, fmt="none", ecolor=CONTOUR, elinewidth=1.6, capsize=6, capthick=1.6)
    for y, p, b, h in zip(ys, parts, bas, haut, strict=True):
        etiquette = f"{formats.pourcentage(p, 0)} ({' – '.join(formats.intervalle(b, h, 0))})"
        # 6 points right of the whisker's end, whatever the chart's width (a share of the axis touched it on a phone)
        ax.annotate(etiquette, (h, y), xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=11, fontweight="bold")
    ax.set_yticks(ys, [l.replace(" (", "\n(") if len(l) > 28 else l for l in libelles])
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.xaxis.set_major_formatter(formateur_axe("pourcentage"))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(titre_axe + " ; le trait noir : intervalle de confiance à 95 %")
    return fig


@dans_le_style
def repartition_notes(niveaux: Sequence[str], effectifs: Sequence[int], titre_axe: str = "Habitants"):
    """Vertical bars of the count of each answer of a scale (1 to 5), each labelled with its count."""
    fig, ax = figure(hauteur=3.6)
    xs = list(range(len(niveaux)))
    ax.bar(xs, effectifs, color=BLEU, edgecolor=CONTOUR, linewidth=0.8, width=0.6)
    top = max(effectifs) if len(effectifs) and max(effectifs) > 0 else 1
    for x, v in zip(xs, effectifs, strict=True):
        ax.text(x, v + top * 0.02, formats.entier(v), ha="center", va="bottom", fontsize=12, fontweight="bold")
    ax.set_xticks(xs, niveaux)
    ax.set_ylim(0, top * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.yaxis.set_major_formatter(formateur_axe("entier"))
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(titre_axe)
    return fig


@dans_le_style
def barres_horizontales_groupees(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    format_valeur: str = "pourcentage",
    titre_axe: str = "",
):
    """Horizontal grouped bars (one group per category, first on top; one bar per series, hatched so that colour
    is not needed), each labelled with its value, with a legend: e.g. the waits by class, before and during a
    trial."""
    fn = FORMATEURS[format_valeur]
    n, k = len(categories), max(len(series), 1)
    hauteur = 0.8 / k
    fig, ax = figure(hauteur=max(2.6, 0.55 * n * k + 1.4))
    valeurs = [x for v in series.values() for x in v if not formats.est_manquant(x)]
    top = max(valeurs) if valeurs and max(valeurs) > 0 else 1
    hachures = ["", "//", "..", "xx"]
    for i, (nom, vals) in enumerate(series.items()):
        ys = [(n - 1 - j) + ((k - 1) / 2 - i) * hauteur for j in range(n)]
        paires = [(y, v) for y, v in zip(ys, vals, strict=True) if not formats.est_manquant(v)]
        ax.barh([y for y, _ in paires], [v for _, v in paires], height=hauteur * 0.92, label=nom,
                color=PALETTE[i % len(PALETTE)], edgecolor=CONTOUR, linewidth=0.8, hatch=hachures[i % len(hachures)])
        for y, v in paires:
            ax.text(v + top * 0.015, y, fn(v), va="center", ha="left", fontsize=10)
    ax.set_yticks(range(n)[::-1], categories)
    ax.set_xlim(0, top * 1.22)
    ax.xaxis.set_major_formatter(formateur_axe(format_valeur))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.grid(axis="y", visible=False)
    if titre_axe:
        ax.set_xlabel(titre_axe)
    if len(series) > 1:
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(series), 3))
    return fig


@dans_le_style
def carte_chaleur(
    lignes: Sequence[str],
    colonnes: Sequence[str],
    valeurs: Sequence[Sequence[float]],
    format_valeur: str = "note",
    titre_barre: str = "",
):
    """A heat map (rows × columns) in one sequential hue, light to dark, every cell labelled with its value so
    that neither the colour nor its scale carries the meaning alone (e.g. calls per hour by weekday)."""
    fn = FORMATEURS[format_valeur]
    v = np.array([[np.nan if formats.est_manquant(x) else float(x) for x in ligne] for ligne in valeurs], dtype=float)
    fig, ax = figure(hauteur=max(3.0, 0.34 * len(lignes) + 1.4))
    haut = np.nanmax(v) if np.isfinite(v).any() and np.nanmax(v) > 0 else 1.0
    im = ax.imshow(v, cmap="Blues", vmin=0, vmax=haut, aspect="auto")
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            if np.isfinite(v[i, j]):
                ax.text(j, i, fn(v[i, j]), ha="center", va="center", fontsize=8.5,
                        color="white" if v[i, j] > 0.6 * haut else TEXTE)
    ax.set_xticks(range(len(colonnes)), colonnes)
    ax.set_yticks(range(len(lignes)), lignes)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    barre = fig.colorbar(im, ax=ax, shrink=0.8)
    barre.ax.yaxis.set_major_formatter(formateur_axe(format_valeur))
    if titre_barre:
        barre.set_label(titre_barre)
    return fig
