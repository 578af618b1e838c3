"""Shared fixtures: a copy of the repository to run reports in, and the command line.

The reports are built once per test session (`depot_produit`), even with pytest-xdist's workers: the
first worker that needs them builds them under a file lock in the session's shared temporary folder;
the others wait for it and read the same copy. Tests that change a produced copy take their own
(`depot_copie`) instead of running every report again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# Property tests check values, not speed: on a loaded 2-core machine one example can exceed Hypothesis' default
# 200 ms deadline, which would fail a correct test (speed is measured by `make bench`, not by unit tests).
settings.register_profile("cln", deadline=None)
settings.load_profile("cln")


def copier_depot(dest: Path) -> Path:
    """A working copy of what the reports read (notebooks, data, rapports.toml): the runner writes only there."""
    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns(".*"))
    shutil.copy(REPO / "rapports.toml", dest / "rapports.toml")  # every report's declaration
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def cli(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m cln_analysis ARGS` on the copy at `root`, as the officer would."""
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "cln_analysis", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


def dossier_de_session(tmp_path_factory) -> Path:
    """A temporary folder shared by every worker of this session (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture
def depot(tmp_path: Path) -> Path:
    """A fresh copy of the repository's notebooks and data."""
    return copier_depot(tmp_path)


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
