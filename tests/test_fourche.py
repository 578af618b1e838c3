"""Kernels forked from the server that has imported their libraries (Linux): what the kernel gets (its
environment, folder and session, the libraries already loaded), what the runner sees of it (alive, killed, ended),
the fall-back on jupyter_client's own start, and the ends: a server killed is started again, a runner killed takes
its server and kernels with it, and the kernels' CPU time counts in the runner's."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import textwrap

import psutil
import pytest
from conftest import REPO, attendre
from jupyter_client.manager import KernelManager

from cln_analysis import config, executeur, fourche

pytestmark = pytest.mark.skipif(not fourche.disponible(), reason="noyaux par fourche : Linux seulement")

COMMANDE = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def _evaluer(km, expressions: dict[str, str]) -> dict[str, object]:
    """The kernel's values of `expressions` (each a Python expression whose repr is read back)."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive("", user_expressions=expressions, timeout=60)
    finally:
        kc.stop_channels()
    out = {}
    for nom, valeur in reply["content"]["user_expressions"].items():
        assert valeur["status"] == "ok", valeur
        out[nom] = eval(valeur["data"]["text/plain"])  # noqa: S307 — reprs of str, int, bool, tuple
    return out


@pytest.fixture
def noyau(tmp_path):
    km = fourche.gestionnaire()(kernel_name=executeur.KERNEL)
    env = dict(os.environ, CLN_ESSAI_FOURCHE="é 01053", CLN_ANALYSIS_ROOT=str(tmp_path))
    km.start_kernel(extra_arguments=executeur.ARGUMENTS_NOYAU, env=env, cwd=str(tmp_path))
    yield km
    km.shutdown_kernel(now=True)


def test_a_forked_kernel_has_its_environment_folder_and_session_and_the_libraries_already_loaded(noyau, tmp_path):
    assert isinstance(noyau.provisioner.process, fourche.Processus)
    vu = _evaluer(noyau, {
        "env": "__import__('os').environ['CLN_ESSAI_FOURCHE']",
        "cwd": "__import__('os').getcwd()",
        "session": "__import__('os').getsid(0) == __import__('os').getpid()",
        "parent": "__import__('os').getppid()",
        # loaded before any cell imported them: they came with the fork
        "charges": "tuple(m in __import__('sys').modules for m in ('pandas', 'matplotlib.figure', "
                   "'statsmodels.stats.proportion'))",
        # the project's modules too, the root read again from this kernel's environment (the server's differs)
        "projet": "tuple(m in __import__('sys').modules for m in ('cln_analysis.rapport', 'cln_analysis.grille'))",
        "racine": "str(__import__('cln_analysis.config').config.ROOT)",
        "declarations": "str(__import__('cln_analysis.config').config.DECLARATIONS)",
        "entree": "__import__('os').readlink('/proc/self/fd/0')",
        # the libraries' objects, loaded by the server, out of the kernel's collector's rounds
        "geles": "__import__('gc').get_freeze_count()",
    })
    assert vu["env"] == "é 01053" and vu["cwd"] == str(tmp_path) and vu["session"] is True
    assert vu["parent"] == fourche.SERVEUR._proc.pid
    assert vu["charges"] == (True, True, True) and vu["projet"] == (True, True)
    assert vu["racine"] == str(tmp_path.resolve()) != str(config.ROOT)
    assert vu["declarations"] == str(tmp_path.resolve() / "rapports.toml")
    assert vu["entree"] == os.devnull
    assert vu["geles"] > 50_000  # pandas, matplotlib, ipykernel… (a bare interpreter holds fewer than 10 000)


def _module_du_projet(nom: str) -> bool:
    chemin = REPO.joinpath(*nom.split("."))
    return chemin.with_suffix(".py").is_file() or (chemin / "__init__.py").is_file()


def test_the_server_preloads_every_project_module_the_shipped_notebooks_import():
    """Each module a shipped notebook imports of the project is in `PRECHARGES_PROJET` (else every kernel would
    import it again, some 0,1 s of CPU each); read from the notebooks' code with `ast`, not from the list."""
    importes = set()
    for chemin in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cellule in json.loads(chemin.read_text(encoding="utf-8"))["cells"]:
            if cellule["cell_type"] != "code":
                continue
            source = "\n".join(l for l in "".join(cellule["source"]).splitlines() if not l.lstrip().startswith("%"))
            for noeud in ast.walk(ast.parse(source)):
                if isinstance(noeud, ast.ImportFrom) and noeud.module.split(".")[0] == "cln_analysis":
                    importes.add(noeud.module)
                    importes.update(f"{noeud.module}.{a.name}" for a in noeud.names  # a module, not a name
                                    if _module_du_projet(f"{noeud.module}.{a.name}"))
                elif isinstance(noeud, ast.Import):
                    importes.update(a.name for a in noeud.names if a.name.split(".")[0] == "cln_analysis")
    assert "cln_analysis.rapport" in importes and "cln_analysis.textes.bilan" in importes  # the reading works
    assert importes - {"cln_analysis"} <= set(fourche.PRECHARGES_PROJET)


def test_the_runner_sees_a_killed_kernel_end_and_no_zombie_is_left(noyau):
    process = noyau.provisioner.process
    pid = process.pid
    assert process.poll() is None and noyau.is_alive()
    with pytest.raises(subprocess.TimeoutExpired):  # as Popen.wait says a process still running
        process.wait(timeout=0.01)
    executeur.tuer_noyau(noyau)
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert not noyau.is_alive()
    # reaped by the server as it ended: no process, not even a zombie, under that PID
    serveur = fourche.SERVEUR._proc.pid

    def recolte():
        try:
            return psutil.Process(pid).ppid() != serveur  # the PID reused by another process
        except psutil.NoSuchProcess:
            return True

    attendre(recolte, 30)


@pytest.mark.parametrize("cmd", [
    [sys.executable, "-m", "autre_module", "-f", "c.json"],
    [sys.executable, "-X", "dev", "-m", "ipykernel_launcher", "-f", "c.json"],  # an option the server has not
    ["/usr/bin/python3-ailleurs", "-m", "ipykernel_launcher", "-f", "c.json"],  # another interpreter
    [sys.executable],
])
def test_any_other_command_is_left_to_jupyter_client(cmd):
    assert fourche.lancer(cmd, None, None) is None


def test_started_ahead_only_where_kernels_can_be_forked(monkeypatch):
    monkeypatch.setenv(fourche.VARIABLE_SANS_FOURCHE, "1")
    serveur = fourche._Serveur()  # not this process's own: nothing is started
    assert serveur.demarrer() is False and serveur._proc is None


def test_off_on_other_systems_and_when_asked(monkeypatch):
    cmd = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]
    monkeypatch.setattr(sys, "platform", "win32")
    assert not fourche.disponible() and fourche.lancer(cmd, None, None) is None
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv(fourche.VARIABLE_SANS_FOURCHE, "1")
    assert not fourche.disponible() and fourche.lancer(cmd, None, None) is None


def test_turned_off_the_kernel_is_jupyter_clients_own(monkeypatch, tmp_path):
    monkeypatch.setenv(fourche.VARIABLE_SANS_FOURCHE, "1")
    km = fourche.gestionnaire()(kernel_name=executeur.KERNEL)
    km.start_kernel(extra_arguments=executeur.ARGUMENTS_NOYAU, cwd=str(tmp_path))
    try:
        assert isinstance(km.provisioner.process, subprocess.Popen)
        assert _evaluer(km, {"un": "1"}) == {"un": 1}
    finally:
        km.shutdown_kernel(now=True)
    # --debug keeps jupyter_client's start too (the kernel's output then reaches the terminal)
    monkeypatch.delenv(fourche.VARIABLE_SANS_FOURCHE)
    demarres = []
    monkeypatch.setattr(KernelManager, "start_kernel", lambda km, **kw: demarres.append(km))
    executeur.demarrer_noyau(debug=True)
    executeur.demarrer_noyau()
    # a run of one kernel starts no server (it would import more than that notebook needs), but uses one
    # this process already has
    monkeypatch.setattr(fourche.SERVEUR, "actif", lambda: False)
    executeur.demarrer_noyau(plusieurs=False)
    monkeypatch.setattr(fourche.SERVEUR, "actif", lambda: True)
    executeur.demarrer_noyau(plusieurs=False)
    assert [type(km) for km in demarres] == [KernelManager, fourche.gestionnaire(), KernelManager,
                                             fourche.gestionnaire()]


def test_a_killed_server_is_started_again(tmp_path):
    serveur = fourche.SERVEUR
    assert serveur.demarrer()  # the server of this process, started if nothing has started it yet
    ancien = serveur._proc
    assert serveur.demarrer() and serveur._proc is ancien  # once running, left as it is
    ancien.kill()
    ancien.wait()
    km = fourche.gestionnaire()(kernel_name=executeur.KERNEL)
    km.start_kernel(extra_arguments=executeur.ARGUMENTS_NOYAU, cwd=str(tmp_path))
    try:
        assert serveur._proc is not ancien and serveur._proc.poll() is None
        assert isinstance(km.provisioner.process, fourche.Processus)
        assert _evaluer(km, {"deux": "1 + 1"}) == {"deux": 2}
    finally:
        km.shutdown_kernel(now=True)


#: A runner in a process of its own: a first forked kernel spends 0,5 s of CPU and ends; the runner says what its
#: server's children and its own children have spent once its server has ended; a second kernel is started, the
#: runner says the server's and that kernel's PIDs and waits to be killed.
RUNNER = textwrap.dedent("""
    import json, os, resource, sys, time
    import psutil
    from cln_analysis import executeur, fourche

    def noyau(nom):
        km = fourche.gestionnaire()(kernel_name=executeur.KERNEL)
        km.connection_file = os.path.join(sys.argv[1], nom)  # in the test's folder: kill -9 leaves it there
        km.start_kernel(extra_arguments=executeur.ARGUMENTS_NOYAU)
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
        return km, kc

    km, kc = noyau("premier.json")
    kc.execute_interactive("import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.5: pass",
                           timeout=60)
    kc.stop_channels(); km.shutdown_kernel()
    serveur = psutil.Process(fourche.SERVEUR._proc.pid)
    fin = time.monotonic() + 30
    while sum(serveur.cpu_times()[2:4]) < 0.5 and time.monotonic() < fin:  # its children's user + system
        time.sleep(0.05)
    t = serveur.cpu_times()
    fourche.SERVEUR.fermer()
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps([sum(t[:4]), sum(t[2:4]), r.ru_utime + r.ru_stime]), flush=True)
    km, kc = noyau("second.json")
    print(json.dumps([fourche.SERVEUR._proc.pid, km.provisioner.pid]), flush=True)
    sys.stdin.read()
""")


def test_the_kernels_cpu_time_counts_in_the_runners_and_a_runner_killed_takes_its_server_and_kernels(tmp_path):
    """A benchmark's CPU column reads the runner's children: a kernel's loop must reach it, through the server
    (which reaps its kernel) and the runner (which waits for its server). Then `kill -9` of the runner: its
    server ends on its pipe's end, the kernel on its parent's (ipykernel's parent poller)."""
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(tmp_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        serveur_total, noyaux, runner_enfants = json.loads(proc.stdout.readline())
        assert noyaux >= 0.5  # the ended kernel counted in its server's children
        assert runner_enfants >= serveur_total  # the server (kernels included) counted in the runner's
        serveur, noyau = json.loads(proc.stdout.readline())
        assert psutil.pid_exists(serveur) and psutil.pid_exists(noyau)
    finally:
        proc.kill()  # kill -9: nothing of the runner runs after it
        proc.wait()
        proc.stdout.close()
        proc.stdin.close()

    def fini(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    attendre(lambda: fini(serveur) and fini(noyau), 60)
