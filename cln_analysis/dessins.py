"""Charts drawn on a core the run leaves idle: while one child process lays a chart out and writes its SVG, the
kernel goes on with the report (its next tables, its next chart).

A kernel's time is mostly its charts (matplotlib lays each out, then draws it, a few tenths of a second) and its
reading; a report run alone (`cln-analysis run budget`) leaves a second core idle. So, when the runner says how many
charts may be drawn at once (`VARIABLE`, in the kernel's environment), `Atelier.dessin` forks a child that draws the
figure, the kernel's memory shared until written, and returns a placeholder (`marque`) that the page holds for the
moment; `Atelier.recueillir` (called by `Rapport.publier`) gathers the drawings and the runner puts each in place of
its placeholder before anything reads the notebook (`publication.extraire_sorties`). The SVG is the one the kernel
would have drawn: the child is a copy of it at the moment the chart was made (same figure, same style, same ids).

When every place is taken, the chart is drawn where it is made. Without the variable (JupyterLab, the tests), on a
system without `fork` (Windows) or with one core, every chart is drawn where it is made, as before. A child that
fails, or whose drawing cannot be read, costs nothing but time: its chart is drawn again in the kernel, where its
error, if any, is raised as it would have been. The warnings a child's drawing gives (a missing glyph) are shown
again in the kernel, where the report records them.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

#: In a kernel's environment: how many charts it may have drawn at once by child processes (0 or unset: none).
#: The runner sets it for each kernel (`places_libres` for a kernel run alone, 0 beside others); set in the runner's
#: own environment, it is kept (0 turns the children off).
VARIABLE = "CLN_ANALYSIS_DESSINS"


def marque(prefixe: str) -> str:
    """The placeholder a page holds where the chart `prefixe` (`g3`) is written once drawn."""
    return f"<!--graphique:{prefixe}-->"


def places_libres() -> int:
    """The charts a kernel run alone may have drawn at once: the cores it leaves idle (none without `fork`)."""
    if not hasattr(os, "fork"):
        return 0
    coeurs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, coeurs - 1)


def places_de_l_environnement() -> int:
    try:
        return max(0, int(os.environ.get(VARIABLE, "0")))
    except ValueError:
        return 0


@dataclass
class _Enfant:
    pid: int
    fichier: IO[bytes]
    fig: object
    prefixe: str
    statut: int | None = None  # its wait status, once it has ended


class Atelier:
    """The charts of one report drawn by child processes, at most `places` at once."""

    def __init__(self, places: int, dessiner: Callable[[object, str], str]):
        self.places = places
        self._dessiner = dessiner  # `graphiques.en_svg`
        self._enfants: dict[str, _Enfant] = {}

    def dessin(self, fig, prefixe: str) -> str:
        """The SVG of `fig`, or its placeholder while a child draws it (`recueillir` gives it)."""
        if self.places <= 0 or not hasattr(os, "fork") or self._occupes() >= self.places:
            return self._dessiner(fig, prefixe)
        fichier = tempfile.TemporaryFile()  # no name on disk: the child writes into it, the kernel reads it back
        with warnings.catch_warnings():  # Python 3.12+ warns of a fork beside threads (the kernel's): the child
            warnings.filterwarnings("ignore", r".*multi-threaded.*fork", DeprecationWarning)  # runs none of theirs
            pid = os.fork()
        if pid == 0:  # the child: draw, write, leave without running anything of the kernel's
            self._dessiner_et_quitter(fig, prefixe, fichier)
        self._enfants[marque(prefixe)] = _Enfant(pid, fichier, fig, prefixe)
        return marque(prefixe)

    def _occupes(self) -> int:
        n = 0
        for e in self._enfants.values():
            if e.statut is None:
                pid, statut = os.waitpid(e.pid, os.WNOHANG)
                if pid == 0:
                    n += 1
                else:
                    e.statut = statut
        return n

    def _dessiner_et_quitter(self, fig, prefixe: str, fichier: IO[bytes]) -> None:
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # the run's Ctrl-C ends the child at once
            sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # nothing reaches the notebook
            vus: list[tuple[str, type[Warning], str, int]] = []
            warnings.showwarning = lambda message, categorie, nom, ligne, *_: vus.append(
                (str(message), categorie, nom, ligne))
            svg = self._dessiner(fig, prefixe)
            pickle.dump((svg, vus), fichier)
            fichier.flush()
            code = 0
        except BaseException:  # noqa: BLE001 (the kernel draws the chart again and raises its error, if any)
            pass
        finally:
            os._exit(code)

    def recueillir(self) -> dict[str, str]:
        """{placeholder: SVG} of every chart given to a child, each child waited for; a chart whose child failed is
        drawn here. The children's warnings are shown here, in the order of their charts."""
        out = {}
        try:
            for m, e in self._enfants.items():
                if e.statut is None:
                    e.statut = os.waitpid(e.pid, 0)[1]
                svg = None
                if os.waitstatus_to_exitcode(e.statut) == 0:
                    e.fichier.seek(0)
                    try:
                        svg, vus = pickle.load(e.fichier)  # noqa: S301 (written by this kernel's own child)
                    except Exception:  # noqa: BLE001 (unreadable: drawn again below)
                        svg = None
                    else:
                        for message, categorie, nom, ligne in vus:
                            warnings.showwarning(message, categorie, nom, ligne)
                out[m] = svg if isinstance(svg, str) else self._dessiner(e.fig, e.prefixe)
        finally:
            for e in self._enfants.values():  # an error above (Ctrl-C): every child closed and waited for all the same
                e.fichier.close()
                if e.statut is None:
                    try:
                        e.statut = os.waitpid(e.pid, 0)[1]
                    except ChildProcessError:
                        pass
            self._enfants.clear()
        return out
