"""Shared fixtures: a copy of the repository to run reports in, and the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def copier_depot(dest: Path) -> Path:
    """A working copy of what the reports read (notebooks, data): the runner writes only there."""
    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns(".*"))
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def cli(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m cln_analysis ARGS` on the copy at `root`, as the officer would."""
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(root), PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "cln_analysis", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def depot(tmp_path: Path) -> Path:
    """A fresh copy of the repository's notebooks and data."""
    return copier_depot(tmp_path)


@pytest.fixture(scope="session")
def depot_produit(tmp_path_factory) -> Path:
    """A copy on which every report has been produced once (shared by read-only tests)."""
    root = copier_depot(tmp_path_factory.mktemp("produit"))
    res = cli(root, "run")
    assert res.returncode == 0, res.stdout + res.stderr
    return root


def verifier_publies(valeurs: dict[str, float], prefixe: str, attendus: int) -> None:
    """Every figure the register holds under `prefixe` matches its computed value (rounded as printed)."""
    from cln_analysis import donnees, registre

    publies = registre.publies_depuis(donnees.charger("chiffres_publies"))
    ids = [i for i in publies if i.startswith(prefixe)]
    assert len(ids) == attendus
    for fid in ids:
        assert registre.statut(valeurs[fid], publies[fid]) == "match", fid
