"""Charts drawn on a core the run leaves idle: while a child process lays a chart out and writes its SVG, the
kernel goes on with the report (its next tables, its next chart).

A kernel's time is mostly its reading and its charts (matplotlib lays each out, then draws it, a few tenths of a
second); a report run alone (`cln-analysis run budget`) leaves a second core idle. So, when the runner says how many
charts may be drawn at once (`VARIABLE`, in the kernel's environment), `Atelier.dessin` has a child draw the figure
(`enfants.Enfant`) and returns a placeholder (`marque`) that the page holds for the moment; `Atelier.recueillir`
(called by `Rapport.publier`) gathers the drawings, and the runner writes each in place of its placeholder before
anything reads the notebook (`publication.extraire_sorties`). The SVG is the one the kernel would have drawn: the
child is a copy of it at the moment the chart was made (same figure, same style, same ids).

When every place is taken, the chart is drawn where it is made. Without the variable (JupyterLab, the tests), on a
system other than Linux (`enfants.possible`) or with one core, every chart is drawn where it is made, as before. A
child that fails costs only time: its chart is drawn again in the kernel, where its error, if any, is raised.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from . import balayage, enfants

#: In a kernel's environment: how many charts it may have drawn at once by child processes (0 or unset: none).
#: The runner sets it for each kernel (`places_libres` for a kernel run alone, 0 beside others); set in the runner's
#: own environment, it is kept (0 turns the children off).
VARIABLE = "CLN_ANALYSIS_DESSINS"


def marque(prefixe: str) -> str:
    """The placeholder a page holds where the chart `prefixe` (`g3`) is written once drawn."""
    return f"<!--graphique:{prefixe}-->"


def places_libres() -> int:
    """The charts a kernel run alone may have drawn at once: the cores it leaves idle (none but on Linux)."""
    return max(0, enfants.coeurs() - 1) if enfants.possible() else 0


def places_de_l_environnement() -> int:
    """`VARIABLE` of this kernel's environment, in a kernel the runner started (it holds the run's salt,
    `balayage.VARIABLE_SEL`): only the runner puts the drawings in place of their placeholders, so a kernel of
    JupyterLab or of nbconvert draws in place whatever its shell exported. At most the cores there are."""
    if not os.environ.get(balayage.VARIABLE_SEL):
        return 0
    try:
        return min(max(0, int(os.environ.get(VARIABLE, "0"))), enfants.coeurs())
    except ValueError:
        return 0


class Atelier:
    """The charts of one report drawn by child processes (`enfants.Enfant`), at most `places` at once."""

    def __init__(self, places: int, dessiner: Callable[[object, str], str]):
        self.places = places
        self._dessiner = dessiner  # `graphiques.en_svg`
        self._enfants: dict[str, enfants.Enfant] = {}

    def dessin(self, fig, prefixe: str) -> str:
        """The SVG of `fig`, or its placeholder while a child draws it (`recueillir` gives it)."""
        occupes = sum(not e.fini() for e in self._enfants.values())
        enfant = enfants.lancer(self._dessiner, fig, prefixe) if occupes < self.places else None
        if enfant is None:  # every place taken, or no child to be had now
            return self._dessiner(fig, prefixe)
        self._enfants[marque(prefixe)] = enfant
        return marque(prefixe)

    def recueillir(self) -> dict[str, str]:
        """{placeholder: SVG} of every chart given to a child, each child waited for; a chart whose child failed is
        drawn here. The children's warnings are shown here, in the order of their charts."""
        try:
            return {m: e.resultat() for m, e in self._enfants.items()}
        finally:
            for e in self._enfants.values():  # an error above (Ctrl-C): every child waited for all the same
                e.fermer()
            self._enfants.clear()
