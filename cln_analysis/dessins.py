"""Charts drawn on a core the run leaves idle: while a child process lays a chart out and writes its SVG, the
kernel goes on with the report (its next tables, its next chart).

A kernel's time is mostly its reading and its charts (matplotlib lays each out, then draws it, a few tenths of a
second); a report run alone (`cln-analysis run budget`) leaves a second core idle. So, when the runner says how many
charts may be drawn at once (`VARIABLE`, in the kernel's environment), `Atelier.dessin` has a child draw the figure
(`enfants.Enfant`) and returns a placeholder (`marque`) that the page holds for the moment; `Atelier.recueillir`
(called by `Rapport.publier`) gathers the drawings, and the runner writes each in place of its placeholder before
anything reads the notebook (`publication.extraire_sorties`). The SVG is the one the kernel would have drawn: the
child is a copy of it, holding the figure as it was made (same figure, same style, same ids).

When every place is taken, the chart waits for one, its figure kept as it is (`Atelier.avancer` gives the charts
waiting to a place freed, when the next chart is made and before each cell of the notebook); what still waits
when the report is published is drawn by the kernel while the children end, and so are the charts a child has
not begun: a child draws its charts in order and the kernel, once published, takes them from the last, each
chart taken by one of them only (`Prises`: a mark in memory both share, under a lock), so that three charts
given to a child just before are drawn by both, not the three by the child while the kernel waits. Without the
variable (JupyterLab, the tests), on a system other than Linux (`enfants.possible`) or with one core, every chart is
drawn where it is made, as before. A child that fails costs only time: its charts are drawn again in the kernel
(but those the kernel drew already), where its error, if any, is raised.
"""

from __future__ import annotations

import mmap
import multiprocessing
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
    """The charts of one report drawn by child processes (`enfants.Enfant`), at most `places` at once. A chart made
    while every place is taken waits for one (its figure kept as it is); a place freed takes every chart waiting
    (one child draws them in turn) when the next chart is made and between two cells of the notebook (`avancer`);
    `recueillir` draws here those still waiting, while the children end."""

    def __init__(self, places: int, dessiner: Callable[[object, str], str]):
        self.places = places
        self._dessiner = dessiner  # `graphiques.en_svg`
        self._enfants: dict[tuple[str, ...], enfants.Enfant] = {}  # the placeholders each child draws
        self._lots: dict[tuple[str, ...], list[tuple[str, object, str]]] = {}  # each child's charts
        self._prises: dict[tuple[str, ...], Prises] = {}  # which of each child's charts are taken
        self._attente: list[tuple[str, object, str]] = []  # (placeholder, figure, prefix), oldest first
        self._ici: dict[str, str] = {}  # charts drawn here (no child to be had)
        self._ordre: list[str] = []  # every placeholder, as the charts were made
        self._suivre = _entre_cellules(self.avancer)

    def dessin(self, fig, prefixe: str) -> str:
        """The placeholder of `fig`'s SVG, drawn by a child now or once a place is free (`recueillir` gives it); the
        SVG itself when it is drawn here (no place, or no child to be had now)."""
        if self.places < 1:
            return self._dessiner(fig, prefixe)
        m = marque(prefixe)
        self._attente.append((m, fig, prefixe))
        self.avancer()
        if m in self._ici:
            return self._ici.pop(m)
        self._ordre.append(m)
        return m

    def _dessiner_lot(self, lot: list[tuple[str, object, str]], prises: Prises | None = None,
                      noyau: int | None = None) -> list[str | None]:
        """Each chart of `lot` drawn, in order; in a child (not the process `noyau`), only those it takes first
        (`prises`), None for those the kernel took. Computed again in the kernel (a failed child): every chart
        but those the kernel drew already (a figure is drawn once: drawing changes it)."""
        if prises is None:
            return [self._dessiner(fig, prefixe) for _, fig, prefixe in lot]
        if os.getpid() == noyau:
            return [None if m in self._ici else self._dessiner(fig, prefixe) for m, fig, prefixe in lot]
        return [self._dessiner(fig, prefixe) if prises.prendre(i) else None for i, (_, fig, prefixe) in enumerate(lot)]

    def avancer(self, tous: bool = True) -> None:
        """The charts waiting given to the places free, each place all of them (`tous`) or the oldest; drawn here
        when no child can be had."""
        while self._attente and sum(not e.fini() for e in self._enfants.values()) < self.places:
            lot = self._attente if tous else self._attente[:1]
            self._attente = [] if tous else self._attente[1:]
            marques = tuple(m for m, _, _ in lot)
            try:
                prises = Prises(len(lot))
            except OSError:  # no lock or memory now: drawn here, as without children
                prises = None
            enfant = None if prises is None else enfants.lancer(self._dessiner_lot, lot, prises, os.getpid())
            if enfant is None:  # no process or file now: drawn here, as without children
                self._ici.update(zip(marques, self._dessiner_lot(lot), strict=True))
            else:
                self._enfants[marques], self._lots[marques], self._prises[marques] = enfant, lot, prises

    def recueillir(self) -> dict[str, str]:
        """{placeholder: SVG} of every chart, each child waited for; the charts still waiting are drawn here, the
        newest first, while the children take the oldest one by one as places free; a child that failed has its
        charts drawn here. The children's warnings are shown here, child after child."""
        try:
            while self._attente:
                self.avancer(tous=False)
                if self._attente:  # every place taken: this process draws one meanwhile
                    m, fig, prefixe = self._attente.pop()
                    self._ici[m] = self._dessiner(fig, prefixe)
            # the charts the children have not begun, from the last one given: drawn here while they draw theirs
            for marques in reversed(list(self._enfants)):
                for i in reversed(range(len(marques))):
                    if self._enfants[marques].fini():  # it has drawn or taken every one of its charts
                        break
                    if self._prises[marques].prendre(i):
                        m, fig, prefixe = self._lots[marques][i]
                        self._ici[m] = self._dessiner(fig, prefixe)
            faits = dict(self._ici)
            for marques, e in self._enfants.items():
                faits.update((m, svg) for m, svg in zip(marques, e.resultat(), strict=True) if svg is not None)
            return {m: faits[m] for m in self._ordre}
        finally:
            self._suivre()
            for e in self._enfants.values():  # an error above (Ctrl-C): every child waited for all the same
                e.fermer()
            for reste in (self._enfants, self._lots, self._prises, self._ici):
                reste.clear()
            self._attente.clear()
            self._ordre.clear()


class Prises:
    """Which charts of one child's lot are taken, by the child (from the first) or by the kernel once published
    (from the last): a byte a chart in memory that the fork shares (anonymous, `mmap`), set under a lock made before
    the fork, so that each chart is taken by one process only. Nothing on disk: nothing is left when a kernel stops
    before it publishes (an error, `--limite`, Ctrl-C)."""

    def __init__(self, n: int):
        self._verrou = multiprocessing.get_context("fork").Lock()
        self._pris = mmap.mmap(-1, max(1, n))  # MAP_SHARED | MAP_ANONYMOUS: the child writes where the kernel reads

    def prendre(self, i: int) -> bool:
        """Whether this process takes chart `i` (the first to ask does)."""
        with self._verrou:
            if self._pris[i]:
                return False
            self._pris[i] = 1
            return True


def _entre_cellules(avancer: Callable[[], None]) -> Callable[[], None]:
    """`avancer` called before each cell of the IPython kernel this runs in (nothing elsewhere); what stops it."""
    try:
        from IPython import get_ipython  # a kernel's own
    except ImportError:
        return lambda: None
    shell = get_ipython()
    if shell is None:
        return lambda: None

    def avant(*_args) -> None:
        avancer()

    shell.events.register("pre_run_cell", avant)

    def arreter() -> None:
        try:
            shell.events.unregister("pre_run_cell", avant)
        except ValueError:
            pass

    return arreter
