"""Kernels forked from a process that has already imported their libraries (Linux only).

Every kernel of a run imports the same libraries (ipykernel, pandas, matplotlib, statsmodels…): about 1,5 s of
CPU each, repeated in every kernel, on a machine of 2 cores. On Linux the runner starts, once per process, a
small server (`python -m cln_analysis.fourche`) that imports those libraries and then forks one kernel per
request; each forked kernel starts with them already in memory (shared until written). The project's modules
that the notebooks import are loaded too (`PRECHARGES_PROJET`, about 0,1 s of CPU a kernel): none reads a file at
import, and the one thing one reads from the environment then, the repository's root (`config`), each kernel
reads again from its own environment after the fork. Its declarations and files a kernel reads itself, as a
kernel started by jupyter_client does, so one server serves any repository copy (the tests run many). A server
lives as long as the process that started it: a run sees the package as it was when that run began.

A forked kernel is a session leader of its own (as jupyter_client makes its kernels), reads and writes the null
device (`os.devnull`), and gets the environment and working folder its manager asks for. The runner holds it by a
pidfd (`os.pidfd_open`: the kernel is the server's child, not the runner's), which says when it has ended and
signals it without the risk of a reused PID. The server reaps its children as they end and ends
when the runner's end of its pipe closes (the runner ended, even by `kill -9`); a kernel whose server has
ended exits in turn (ipykernel's parent poller).

Elsewhere (Windows, macOS, `--debug`, or a server that cannot start) kernels are started by jupyter_client as
usual: `GestionnaireNoyau` falls back on its parent's launch.
"""

from __future__ import annotations

import atexit
import functools
import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading

#: The libraries a notebook's kernel imports: loaded once by the server, before it forks (third-party only:
#: nothing here reads the project's root, environment or files at import).
PRECHARGES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    # what a kernel's start imports besides (its debugger, debugpy's included, is half of that start's CPU)
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.platform.asyncio",
    "IPython",
    "IPython.display",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
    "statsmodels.stats.proportion",
    "babel.numbers",
    "openpyxl",
)

#: The project's modules the shipped notebooks import (a test keeps the list in step with them), loaded by the
#: server after the libraries: pure code, which reads nothing at import but the root `config` takes from the
#: environment, read again in each kernel (`_noyau`).
PRECHARGES_PROJET = (
    "cln_analysis.rapport",
    "cln_analysis.rendu",
    "cln_analysis.textes",
    "cln_analysis.appels",
    "cln_analysis.bilan",
    "cln_analysis.budget",
    "cln_analysis.cvs",
    "cln_analysis.feuilles",
    "cln_analysis.grille",
    "cln_analysis.publies",
    "cln_analysis.questionnaire",
    "cln_analysis.retours",
    "cln_analysis.textes.appels",
    "cln_analysis.textes.bilan",
    "cln_analysis.textes.budget",
    "cln_analysis.textes.cvs",
    "cln_analysis.textes.grille",
    "cln_analysis.textes.retours",
)

#: The kernel command jupyter_client builds from the kernelspec: `python [-Xfrozen_modules=off] -m
#: ipykernel_launcher …` (ipykernel's kernelspec adds that option for its debugger; it changes nothing a
#: notebook of the project does). Any other option: the kernel is started by jupyter_client.
LANCEUR = ["-m", "ipykernel_launcher"]
OPTIONS_ADMISES = {"-Xfrozen_modules=off"}


#: Set (to anything) in the runner's environment, kernels are started by jupyter_client as on other systems.
VARIABLE_SANS_FOURCHE = "CLN_ANALYSIS_SANS_FOURCHE"


def disponible() -> bool:
    """Forked kernels are possible here (Linux: `os.fork` and `os.pidfd_open`) and not turned off."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "pidfd_open")
            and not os.environ.get(VARIABLE_SANS_FOURCHE))


# ----------------------------------------------------------------------------- the server's side

def _noyau(demande: dict) -> None:
    """In the forked child: become the kernel asked for (never returns)."""
    try:
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        nul = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(nul, fd)
        os.close(nul)
        os.environ.clear()
        os.environ.update(demande["env"])
        os.chdir(demande["cwd"])
        config = sys.modules.get("cln_analysis.config")
        if config is not None:  # imported by the server: the root this kernel's environment names
            config.definir_racine(config.racine_de_l_environnement())
        # the kernel ends when the server ends (ipykernel's parent poller); given as an option, since ipykernel
        # read JPY_PARENT_PID when the server imported it, before the fork
        sys.argv = ["ipykernel_launcher", *demande["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel import kernelapp  # already loaded by the server: this only names it

        kernelapp.launch_new_instance()
    except BaseException:  # noqa: BLE001 — a kernel that cannot start is seen dead by its manager
        pass
    finally:
        os._exit(0)


def _fourcher(demande: dict) -> int:
    """Fork the kernel of `demande`; its PID, once it leads its own session (the runner may signal its group
    at once)."""
    lu, ecrit = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(lu)
        os.setsid()
        os.close(ecrit)
        _noyau(demande)
    os.close(ecrit)
    os.read(lu, 1)  # b"" once the child has closed its end, i.e. leads its session
    os.close(lu)
    return pid


def servir() -> None:
    """The server: import the libraries, then fork one kernel per line read (a JSON request), answering each
    with the kernel's PID. Each kernel that ends is reaped at once (its pidfd is watched with the pipe), so that
    its CPU time counts in the server's children's; the runner waits for the server at its end, so a
    benchmark's CPU includes every kernel's. No signal handler: a signal may reach any of the libraries'
    threads, which would leave a blocked read unaware of it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    if sys.path and sys.path[0] == os.getcwd():
        del sys.path[0]  # the folder `-m` added (the interpreter's own): nothing to import from there
    for module in PRECHARGES + PRECHARGES_PROJET:
        try:
            __import__(module)
        except Exception:  # noqa: BLE001 — the kernel imports it again, and its notebook reports a failure
            pass
    # the libraries' objects live as long as the kernels: left out of their collectors' rounds, which would walk
    # them (a tenth of a second a full round) and write to the pages the fork shares
    gc.freeze()
    os.write(1, b"pret\n")
    enfants: dict[int, int] = {}  # pidfd → PID of each kernel not yet ended
    reste = b""
    while True:
        prets = select.select([0, *enfants], [], [])[0]
        for fd in prets:
            if fd in enfants:
                os.waitpid(enfants.pop(fd), 0)
                os.close(fd)
        if 0 not in prets:
            continue
        lu = os.read(0, 65536)
        if not lu:  # the runner closed its end, or ended
            return
        *lignes, reste = (reste + lu).split(b"\n")
        for ligne in lignes:
            try:
                demande = json.loads(ligne)
            except ValueError:  # not a request: no kernel, no answer
                continue
            pid = _fourcher(demande)
            enfants[os.pidfd_open(pid)] = pid
            os.write(1, f"{pid}\n".encode())


# ----------------------------------------------------------------------------- the runner's side

class Processus:
    """A forked kernel as `subprocess.Popen` shows a process to jupyter_client (poll, wait, signals). Its exit
    status is not known (the kernel is the server's child): a kernel that has ended says -9 when it was killed
    from here, 0 otherwise."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        self._fd: int | None = os.pidfd_open(pid)
        self._tue = False

    def _fini(self) -> None:
        if self.returncode is None:
            self.returncode = -signal.SIGKILL if self._tue else 0
            os.close(self._fd)
            self._fd = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self._fini()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("noyau", timeout)
            self._fini()
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            if sig == signal.SIGKILL:
                self._tue = True
            signal.pidfd_send_signal(self._fd, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self):
        if self._fd is not None:
            os.close(self._fd)


class _Serveur:
    """The one server of this process, started at the first kernel asked for."""

    def __init__(self) -> None:
        self._verrou = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._echec = False

    def _demarrer(self) -> subprocess.Popen | None:
        try:
            proc = subprocess.Popen([sys.executable, "-m", "cln_analysis.fourche"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                    cwd=os.path.dirname(sys.executable), start_new_session=True)
        except OSError:
            return None
        if proc.stdout.readline() != "pret\n":
            self._arreter(proc)
            return None
        return proc

    @staticmethod
    def _arreter(proc: subprocess.Popen) -> None:
        """Close the server's pipe (it ends on reading its end) and wait for it."""
        try:
            proc.stdin.close()
        except OSError:  # a server that has ended: what was left to write is lost
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def actif(self) -> bool:
        """The server of this process is running (started by an earlier kernel and not ended)."""
        with self._verrou:
            return self._proc is not None and self._proc.poll() is None

    def _en_marche(self) -> bool:
        """(Under the lock.) The server running, started (again) if it had not been or has ended."""
        if self._proc is None or self._proc.poll() is not None:
            if self._proc is not None:
                self._arreter(self._proc)
            self._proc = self._demarrer()
            if self._proc is None:
                self._echec = True
        return self._proc is not None

    def demarrer(self) -> bool:
        """Start the server now, when forked kernels are possible here, so that even a process's first run of
        one report forks its kernel (a process that runs many, such as a test worker); True when it runs."""
        if not disponible():
            return False
        with self._verrou:
            return not self._echec and self._en_marche()

    def fourcher(self, argv: list[str], env: dict, cwd: str) -> Processus | None:
        """A kernel forked with those arguments, environment and folder; None when the server cannot."""
        with self._verrou:
            if self._echec:
                return None
            for _ in range(2):  # a server that has ended (killed) is started again, once
                if not self._en_marche():
                    return None
                try:
                    self._proc.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
                    self._proc.stdin.flush()
                    reponse = self._proc.stdout.readline()
                    return Processus(int(reponse))
                except (OSError, ValueError):
                    self._arreter(self._proc)
                    self._proc = None
            self._echec = True
            return None

    def fermer(self) -> None:
        with self._verrou:
            if self._proc is not None:
                self._arreter(self._proc)
                self._proc = None


SERVEUR = _Serveur()
atexit.register(SERVEUR.fermer)  # the server ends with the runner, its kernels' CPU time counted in the runner's


def lancer(cmd: list[str], env: dict | None, cwd) -> Processus | None:
    """Fork the kernel `cmd` (jupyter_client's `python -m ipykernel_launcher …`) from the server; None when it
    is not possible here or when `cmd` is another command (then jupyter_client starts it)."""
    if not disponible() or len(cmd) < 3:
        return None
    options = list(cmd[1:])
    while options and options[0] in OPTIONS_ADMISES:
        options.pop(0)
    if options[:2] != LANCEUR:
        return None
    try:
        if not os.path.samefile(cmd[0], sys.executable):
            return None
    except OSError:
        return None
    return SERVEUR.fourcher(options[2:], dict(os.environ if env is None else env), str(cwd or os.getcwd()))


@functools.cache
def gestionnaire():
    """The KernelManager class of the runner: jupyter_client's, launching its kernel through `lancer`."""
    # imported here so that a run with nothing to do never loads jupyter_client
    from jupyter_client.manager import KernelManager

    class GestionnaireNoyau(KernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            proc = lancer(kernel_cmd, kw.get("env"), kw.get("cwd"))
            if proc is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            prov = self.provisioner
            prov.process, prov.pid, prov.pgid = proc, proc.pid, proc.pid
            prov.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(prov.connection_info)

    return GestionnaireNoyau


if __name__ == "__main__":
    servir()
