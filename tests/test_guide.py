"""docs/guide.md, the officer's French guide: every command of its `sh` blocks is tried on Linux, and every
command of its `bat` blocks (Windows) is the same command with Windows paths, or a conda command checked
against environment.yml. A command this test does not know fails it: the guide stays true."""

import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import cli as lancer
from conftest import copier_depot

from cln_analysis import catalogue, cli, parametres

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs/guide.md"
BIN = Path(sys.executable).parent  # the environment the tests run in: .venv/bin


def _blocs(langage: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    blocs = re.findall(rf"^```{langage}\n(.*?)^```", text, re.M | re.S)
    return [line.strip() for b in blocs for line in b.splitlines() if line.strip()]


def _windows_vers_linux(commande: str) -> str:
    return commande.replace(".venv\\Scripts\\", ".venv/bin/").replace("\\", "/")


@pytest.fixture(scope="module")
def depot(tmp_path_factory) -> Path:
    root = copier_depot(tmp_path_factory.mktemp("guide"))
    (root / "donnees_personnelles").mkdir()
    return root


def _cln(args: list[str], depot: Path) -> None:
    try:
        ns = cli.construire_parseur().parse_args(args)
    except SystemExit:
        pytest.fail(f"commande refusée par cln-analysis : {args}")
    if ns.commande == "run":
        parametres.preparer(ns.rapports or catalogue.ids(), cli._parametres(ns.parametre))
    else:  # check and template are quick: run them for real, on a copy
        res = lancer(depot, *args)
        assert res.returncode == 0, res.stdout + res.stderr
        if ns.commande == "template":
            assert (depot / ns.sortie).stat().st_size > 0


def _verifier(commande: str, depot: Path) -> None:
    mots = shlex.split(commande)
    prog, args = mots[0], mots[1:]
    if prog == "make":
        assert subprocess.run(["make", "-n", *args], cwd=REPO, capture_output=True).returncode == 0, commande
    elif prog == "conda":
        env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
        if args[:2] in (["env", "create"], ["env", "update"]):
            assert args[2:4] == ["-f", "environment.yml"] and set(args[4:]) <= {"--prune"}, commande
        else:
            assert args == ["activate", env["name"]], commande
    elif prog in ("python", "py") and args[:2] == ["-m", "venv"]:
        assert args[2:] == [".venv"], commande  # the whole path is run by test_install_without_make_or_conda
    elif prog == ".venv/bin/python" and args[:3] == ["-m", "pip", "install"]:
        assert args[3:] in (["-r", "requirements.lock"], ["--no-deps", "-e", "."]), commande
    elif prog in ("cln-analysis", ".venv/bin/cln-analysis"):
        _cln(args, depot)
    elif prog == ".venv/bin/python" and args[:2] == ["-m", "cln_analysis"]:
        _cln(args[2:], depot)
    elif prog == "git":
        assert args[0] in ("status", "add", "diff", "commit"), commande
        for a in args[1:]:
            assert a.startswith("-") or args[0] == "commit" or (REPO / a).exists(), commande
        if args[0] in ("status", "diff") and shutil.which("git"):
            assert subprocess.run(["git", *args], cwd=REPO, capture_output=True).returncode == 0, commande
    elif prog in ("nbstripout", ".venv/bin/nbstripout"):
        assert (BIN / "nbstripout").exists()
        if args != ["--install"]:  # --install changes git's configuration: only check it exists
            assert args[0] == "--keep-id" and (REPO / args[1]).is_file(), commande
            copie = depot / "nb.ipynb"
            shutil.copy(REPO / args[1], copie)
            assert subprocess.run([BIN / "nbstripout", "--keep-id", copie]).returncode == 0
            assert copie.read_bytes() == (REPO / args[1]).read_bytes()
    elif prog == "jupyter" and args == ["lab", "notebooks"]:
        assert (REPO / "notebooks").is_dir()
        # `jupyter lab` runs the `jupyter-lab` script, whose entry point is JupyterLab's app: that app answers
        # `--version`, started as the script starts it (jsonschema's optional grammars hidden, as the runner hides
        # them: 2 s of CPU that tell nothing here)
        assert (BIN / "jupyter").exists() and (BIN / "jupyter-lab").exists()
        [script] = [e for e in importlib.metadata.entry_points(group="console_scripts") if e.name == "jupyter-lab"]
        module, fonction = script.value.split(":")
        code = (f"import sys; sys.modules['rfc3987_syntax'] = None; sys.argv = ['jupyter-lab', '--version']; "
                f"from {module} import {fonction}; {fonction}()")
        version = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert version.returncode == 0 and version.stdout.strip() == importlib.metadata.version("jupyterlab")
    else:
        pytest.fail(f"commande du guide inconnue de ce test : {commande}")


def test_guide_is_linked_from_the_top_of_the_readme():
    head = "\n".join((REPO / "README.md").read_text(encoding="utf-8").splitlines()[:8])
    assert "(docs/guide.md)" in head


def test_guide_covers_what_the_officer_does():
    text = GUIDE.read_text(encoding="utf-8")
    for needed in ("conda env create -f environment.yml", "conda activate cln-analysis", "make reports",
                   "python -m venv .venv", "donnees_personnelles/", "template retours", "tout le dossier `reports/`",
                   "fermez figures.csv dans Excel, puis relancez", "make lab", "## 8. Auditer un chiffre"):
        assert needed in text, needed


@pytest.mark.e2e
def test_every_linux_command_of_the_guide_works(depot):
    commandes = _blocs("sh")
    assert len(commandes) >= 20
    for c in commandes:
        _verifier(c, depot)


def test_every_windows_command_has_a_checked_equivalent(depot):
    commandes = _blocs("bat")
    assert "conda env create -f environment.yml" in commandes and "cln-analysis run" in commandes
    for c in commandes:
        if not c.startswith("cln-analysis"):  # cln-analysis commands are tried in the Linux test
            _verifier(_windows_vers_linux(c), depot)


@pytest.mark.skipif(os.environ.get("CLN_TEST_INSTALLATION") != "1",
                    reason="installe tout requirements.lock avec pip (plusieurs minutes) : make test-installation "
                           "(lancé par .ci/run après make test)")
def test_install_without_make_or_conda(tmp_path):
    """The guide's path without make, as written: venv, pip, then `python -m cln_analysis run`."""
    commandes = _blocs("sh")
    debut = commandes.index("python -m venv .venv")
    chemin = commandes[debut:debut + 4]
    assert chemin[-1] == ".venv/bin/python -m cln_analysis run"
    root = copier_depot(tmp_path)
    for f in ("pyproject.toml", "requirements.lock", "README.md", "cln_analysis"):
        (shutil.copytree if (REPO / f).is_dir() else shutil.copy)(REPO / f, root / f)
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(root))
    env.pop("VIRTUAL_ENV", None)
    for c in chemin[:-1]:
        mots = shlex.split(c)
        mots[0] = sys.executable if mots[0] == "python" else str(root / mots[0])
        res = subprocess.run(mots, cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, c + "\n" + res.stderr[-2000:]
    res = subprocess.run([str(root / ".venv/bin/python"), "-m", "cln_analysis", "run", "budget"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (root / "reports/budget.html").is_file()
