"""A write the system refuses (file open in Excel, read-only, a folder in its place): French message
naming the file and what to do, exit 1, previous outputs intact."""

import os
import subprocess
import sys

import pytest
from conftest import cli

pytestmark = pytest.mark.e2e

# Windows refuses to replace a file that Excel holds open: os.replace raises PermissionError. Tests run
# as root on Linux, where chmod stops nothing, so the refusal is simulated in the runner's own process.
VERROU_EXCEL = """
import os, sys
from cln_analysis import cli
_replace = os.replace
def replace(src, dst, *a, **k):
    if os.path.basename(os.fspath(dst)) == "figures.csv":
        raise PermissionError(13, "Permission denied", os.fspath(dst))
    return _replace(src, dst, *a, **k)
os.replace = replace
sys.exit(cli.main(sys.argv[1:]))
"""


def _instantane(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for d in ("data/processed", "reports") for p in sorted((root / d).rglob("*")) if p.is_file()}


def test_figures_csv_locked_by_excel_during_the_run(depot):
    before = (depot / "data/processed/figures.csv").read_bytes()
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot))
    res = subprocess.run([sys.executable, "-c", VERROU_EXCEL, "run", "budget", "-p", "population=100000"],
                         cwd=depot, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "impossible d'écrire data/processed/figures.csv" in res.stderr
    assert "fermez figures.csv dans Excel, puis relancez" in res.stderr
    assert "Traceback" not in res.stderr and "PermissionError" not in res.stderr
    assert (depot / "data/processed/figures.csv").read_bytes() == before
    assert not [p.name for p in (depot / "data/processed").iterdir() if p.name.startswith(".")]


def test_an_output_that_cannot_be_rewritten_stops_the_run_before_any_write(depot):
    assert cli(depot, "run", "budget").returncode == 0
    (depot / "reports/index.html").unlink()
    (depot / "reports/index.html").mkdir()  # a target the system refuses to overwrite, even for root
    before = _instantane(depot)
    res = cli(depot, "run", "budget", "--force")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "impossible d'écrire reports/index.html : un dossier porte ce nom" in res.stderr
    assert "index.html" in res.stderr and "relancez" in res.stderr
    assert _instantane(depot) == before
