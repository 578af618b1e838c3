"""Shared fixtures: a copy of the repository to run reports in, and the command line.

The reports are built once per test session (`depot_produit`), even with pytest-xdist's workers: the
first worker that needs them builds them under a file lock in the session's shared temporary folder;
the others wait for it and read the same copy. Tests that change a produced copy take their own
(`depot_copie`) instead of running every report again.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest
from filelock import FileLock

# as the runner's process does (cln_analysis/cli.py): jsonschema, imported by the test modules through nbformat
# and frictionless, would build some forty Lark grammars in each worker (about 2 s of CPU)
sys.modules.setdefault("rfc3987_syntax", None)
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# the suite's workers already take every core: a report's charts are drawn in its kernel (`cln_analysis.dessins`),
# not by children that would only add forks; the tests that check the children turn them on themselves
os.environ.setdefault("CLN_ANALYSIS_DESSINS", "0")

# Property tests check values, not speed: on a loaded 2-core machine one example can exceed Hypothesis' default
# 200 ms deadline, which would fail a correct test (speed is measured by `make bench`, not by unit tests).
settings.register_profile("cln", deadline=None)
settings.load_profile("cln")


def pytest_sessionstart(session):
    """Each process that runs tests (each xdist worker, not the controller) starts its kernels' server at once,
    in the background while it collects: the tests run a hundred reports in process, many one at a time, and a
    runner starts that server only for its first run of several kernels (`cln_analysis.fourche`)."""
    if not os.environ.get("PYTEST_XDIST_WORKER") and session.config.getoption("numprocesses", None):
        return
    import threading

    from cln_analysis import fourche

    threading.Thread(target=fourche.SERVEUR.demarrer, daemon=True).start()


def copier_depot(dest: Path, rapports: Iterable[str] | None = None) -> Path:
    """A working copy of what the reports read (notebooks, data, rapports.toml): the runner writes only there.
    `rapports`: the copy's rapports.toml declares only these reports (a test of one report then runs only it,
    not the reports a `run` of it brings along: its dependents, and their other sources)."""
    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns(".*"))
    texte = (REPO / "rapports.toml").read_text(encoding="utf-8")  # every report's declaration
    (dest / "rapports.toml").write_text(texte if rapports is None else catalogue_reduit(texte, set(rapports)),
                                        encoding="utf-8")
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def catalogue_reduit(texte: str, garder: set[str]) -> str:
    """rapports.toml with only the reports `garder`: their [[rapport]] blocks (each with its tables, up to the
    next block or the first [lignes_requises.*]) and the run order; checked by reading it as the runner does."""
    from cln_analysis import catalogue

    blocs = re.split(r"(?m)^(?=\[\[rapport\]\]$|\[lignes_requises\.)", texte)
    gardes = [b for b in blocs if not b.startswith("[[rapport]]")
              or re.search(r'(?m)^id = "([a-z_]+)"$', b).group(1) in garder]
    ordre = [i for i in tomllib.loads(texte)["ordre_execution"] if i in garder]
    reduit = re.sub(r"(?m)^ordre_execution = \[.*\]$", lambda _: f"ordre_execution = {json.dumps(ordre)}",
                    "".join(gardes))
    lus = catalogue.lire_declarations(reduit, "rapports.toml")
    assert {r.id for r in lus.rapports} == garder, f"rapports inconnus ou dépendants : {garder}"
    return reduit


def cli(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the command line `cln-analysis ARGS` on the copy at `root`: in this test process (the command's
    `main`, its root pointed at the copy by `config.racine`, its output captured), which spares each call the
    runner's imports. The kernels, the lock and every file are real. A test of what only a process shows (a
    signal, the console's encoding, an exit code seen by a shell, a time limit) uses `cli_processus`;
    `CLN_TESTS_PROCESSUS=1` runs every call as a process, to compare."""
    if os.environ.get("CLN_TESTS_PROCESSUS"):
        return cli_processus(root, *args, timeout=timeout)
    return _cli_en_processus(root, args)


def commande_terminal(*args: str) -> list[str]:
    """`python -m cln_analysis ARGS` as a terminal starts it, for a test that stops it with Ctrl-C: SIGINT and SIGQUIT
    at their defaults, whatever a thread of the test process is doing (glibc's `system()` ignores both process-wide
    while it waits, and a process spawned meanwhile inherits that at exec: Python then leaves Ctrl-C ignored, and
    the run goes on). The same PID runs the command (`exec`), so its process group is the one to signal."""
    relance = ("import os, signal, sys\n"
               "for s in (signal.SIGINT, signal.SIGQUIT):\n"
               "    signal.signal(s, signal.SIG_DFL)\n"
               "os.execv(sys.executable, [sys.executable, '-m', 'cln_analysis', *sys.argv[1:]])")
    return [sys.executable, "-c", relance, *args]


def cli_processus(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m cln_analysis ARGS` on the copy at `root` in its own process, as the officer would."""
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "cln_analysis", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _cli_en_processus(root: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess:
    from cln_analysis import cli as commande
    from cln_analysis import config

    sortie, erreurs = io.StringIO(), io.StringIO()
    dossier, signaux = os.getcwd(), {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    racine_env = os.environ.get("CLN_ANALYSIS_ROOT")
    os.environ["CLN_ANALYSIS_ROOT"] = str(root)  # what a process started from here (a kernel, git) inherits
    os.chdir(root)
    try:
        with config.racine(root), contextlib.redirect_stdout(sortie), contextlib.redirect_stderr(erreurs):
            try:
                code = commande.main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.chdir(dossier)
        for s, h in signaux.items():
            signal.signal(s, h)
        if racine_env is None:
            os.environ.pop("CLN_ANALYSIS_ROOT", None)
        else:
            os.environ["CLN_ANALYSIS_ROOT"] = racine_env
    return subprocess.CompletedProcess(["cln-analysis", *args], code, sortie.getvalue(), erreurs.getvalue())


def dossier_de_session(tmp_path_factory) -> Path:
    """A temporary folder shared by every worker of this session (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture
def depot(request, tmp_path: Path) -> Path:
    """A fresh copy of the repository's notebooks and data; `@pytest.mark.rapports("grille")` declares only
    the reports named."""
    marque = request.node.get_closest_marker("rapports")
    return copier_depot(tmp_path, marque.args if marque else None)


@pytest.fixture(scope="session")
def depot_produit(tmp_path_factory) -> Path:
    """A copy on which every report has been produced once per session (read-only: shared by the tests
    and the workers)."""
    partage = dossier_de_session(tmp_path_factory)
    root, fait = partage / "produit", partage / "produit.fait"
    with FileLock(str(partage / "produit.lock")):
        if not fait.exists():
            shutil.rmtree(root, ignore_errors=True)
            res = cli(copier_depot(root), "run")
            assert res.returncode == 0, res.stdout + res.stderr
            fait.touch()
    return root


@pytest.fixture
def depot_copie(depot_produit: Path, tmp_path: Path) -> Path:
    """A private copy of `depot_produit`, reports and state included: a test that starts from produced
    reports changes this one."""
    dest = tmp_path / "depot"
    shutil.copytree(depot_produit, dest, symlinks=True)
    return dest


def verifier_publies(valeurs: dict[str, float], prefixe: str, attendus: int) -> None:
    """Every figure the register holds under `prefixe` matches its computed value (rounded as printed)."""
    from cln_analysis import donnees, registre

    publies = registre.publies_depuis(donnees.charger("chiffres_publies"))
    ids = [i for i in publies if i.startswith(prefixe)]
    assert len(ids) == attendus
    for fid in ids:
        assert registre.statut(valeurs[fid], publies[fid]) == "match", fid


def attendre(condition, secondes: float) -> None:
    """Poll `condition` until it holds (a test of waiting behaviour waits for a fact, not a fixed time)."""
    fin = time.monotonic() + secondes
    while not condition():
        assert time.monotonic() < fin, "condition jamais remplie"
        time.sleep(0.05)
