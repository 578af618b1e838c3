"""Work done on a core the run leaves idle: `fonction(*args)` computed by a child process forked at once, the
caller's memory shared with it until written, while the caller goes on.

Used for a kernel's charts (`dessins`), the runner's reads ahead (`prelecture`), and the workbook and last scan of a
large report (`publication`). The value is the one the caller would have computed: the child is a copy of it at that
moment. A child that fails, or whose value cannot be read back, costs only time: the value is then computed by the
caller, where its error, if any, is raised as it would have been. Warnings the child's work gave are shown again by
the caller when it takes the value (the report and the runner record them). A child not ended after `ATTENTE`
seconds is stopped, and the value computed by the caller. Elsewhere than on Linux nothing is forked: `possible()`
says so.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

from . import fichiers

#: The signals that stop a run (Ctrl-C, the end of a run or of its kernel): a child stops at once on either.
_ARRETS = {signal.SIGINT, signal.SIGTERM}

#: Seconds a caller waits at most for its child's value (a report's largest work for a child, a large city's
#: workbook, takes half a second): a child that has not ended by then — forked beside threads, it may wait forever
#: for a lock one of them held at the fork — is stopped, and the value computed by the caller.
ATTENTE = 300.0


def _fin_avant(pid: int, secondes: float) -> bool:
    """Whether the process `pid` (a child not yet waited for) ends within `secondes`; True at once when it cannot be
    watched (no pidfd: waited for without a limit, as before)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return True
    try:
        attente = select.poll()
        attente.register(fd, select.POLLIN)  # readable once the process has ended
        return bool(attente.poll(secondes * 1000))
    finally:
        os.close(fd)


def possible() -> bool:
    """Linux only, as the kernels' fork server (`fourche`): macOS forks a threaded process less safely, and Windows
    cannot."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def coeurs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def lancer(fonction: Callable[..., Any], *args: Any) -> Enfant | None:
    """An `Enfant` computing `fonction(*args)`; None when no child can be had (not on Linux, or the system refuses
    a process or a file now): the caller then computes the value itself, as without children."""
    if not possible():
        return None
    try:
        return Enfant(fonction, *args)
    except OSError:  # EAGAIN, ENOMEM (no process), EMFILE (no file): it only costs the time it would have saved
        return None


class Enfant:
    """`fonction(*args)` computed by a child process: `fini()` says whether it has ended, `resultat()` waits for it
    and gives the value (computed here if the child failed), `fermer()` lets it go unread. Made by `lancer`."""

    def __init__(self, fonction: Callable[..., Any], *args: Any):
        self.fonction, self.args = fonction, args
        # no name on disk (in memory where it can be: `fichiers.dossier_temporaire`): the child writes into it, the
        # caller reads it
        self._fichier = tempfile.TemporaryFile(dir=fichiers.dossier_temporaire())
        self._statut: int | None = None  # its wait status, once it has ended
        self._valeur: tuple[Any] | None = None
        # Ctrl-C or a stop held back until the child has its own handlers: delivered in between, the caller's
        # handler would run in the child (a KeyboardInterrupt there would go on running the caller's code)
        masque = signal.pthread_sigmask(signal.SIG_BLOCK, _ARRETS)
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of a fork beside threads (a kernel's, the
                warnings.filterwarnings("ignore", r".*multi-threaded.*fork", DeprecationWarning)  # runner's)
                self.pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, masque)
            self._fichier.close()
            raise
        if self.pid == 0:
            self._calculer_et_quitter(masque)
        signal.pthread_sigmask(signal.SIG_SETMASK, masque)

    def _calculer_et_quitter(self, masque: set) -> None:
        """The child: compute, write, leave without running anything more of the caller's (no `atexit`, no
        buffer of the caller's flushed twice)."""
        code = 1
        try:
            for s in _ARRETS:  # the run's Ctrl-C or end stops the child at once
                signal.signal(s, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, masque)
            # what it inherited, it only reads: left out of its collector's rounds, which would walk every object
            # of the caller's (a kernel's 130 000 to 150 000), and write to each one's page, which the fork shared
            gc.freeze()
            # nothing it prints reaches a notebook or a terminal: neither Python's streams nor a library's own
            # writes to the descriptors it shares with the caller (a kernel's output is captured)
            nul = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nul, 1)
            os.dup2(nul, 2)
            sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")
            vus: list[tuple[str, type[Warning], str, int]] = []
            warnings.showwarning = lambda message, categorie, nom, ligne, *_: vus.append(
                (str(message), categorie, nom, ligne))
            valeur = self.fonction(*self.args)
            pickle.dump((valeur, vus), self._fichier, protocol=pickle.HIGHEST_PROTOCOL)
            self._fichier.flush()
            code = 0
        except BaseException:  # noqa: BLE001, S110 (the caller computes the value again and raises its error)
            pass
        finally:
            os._exit(code)

    def fini(self) -> bool:
        if self._statut is None:
            pid, statut = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self._statut = statut
        return True

    def _attendre(self) -> None:
        """Until the child has ended, `ATTENTE` seconds at most (then it is stopped: counted as failed)."""
        if self._statut is None:
            if not _fin_avant(self.pid, ATTENTE):
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:  # ended meanwhile
                    pass
            try:
                self._statut = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:  # waited for elsewhere: counted as failed, computed again
                self._statut = 1 << 8

    def resultat(self) -> Any:
        """The value, once: the child waited for, its warnings shown here; computed here if it failed."""
        if self._valeur is None:
            self._attendre()
            lu = None
            if os.waitstatus_to_exitcode(self._statut) == 0:
                try:
                    self._fichier.seek(0)
                    lu = pickle.load(self._fichier)  # noqa: S301 (written by this process's own child)
                except Exception:  # noqa: BLE001 (unreadable: computed again below)
                    lu = None
            self._fichier.close()
            if lu is None:
                self._valeur = (self.fonction(*self.args),)
            else:
                valeur, vus = lu
                for message, categorie, nom, ligne in vus:
                    warnings.showwarning(message, categorie, nom, ligne)
                self._valeur = (valeur,)
        return self._valeur[0]

    def fermer(self) -> None:
        """The child waited for, its value left unread (the caller stopped: an error, Ctrl-C)."""
        self._attendre()
        self._fichier.close()
