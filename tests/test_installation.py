"""The officer's own PC: line ends, the notebooks' JupyterLab note, outputs stripped by git, personal files."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cln_analysis import catalogue, parametres

REPO = Path(__file__).resolve().parents[1]
GIT = shutil.which("git")
sans_git = pytest.mark.skipif(GIT is None, reason="git absent")


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


@sans_git
def test_data_notebooks_and_text_outputs_keep_lf_line_ends():
    paths = ["data/raw/budget_mandate.csv", "data/raw/datapackage.json", "data/processed/figures.csv",
             "data/processed/budget/parts_par_section.csv", "notebooks/budget.ipynb", "README.md"]
    out = _git(REPO, "check-attr", "eol", "--", *paths).stdout
    assert out.splitlines() == [f"{p}: eol: lf" for p in paths]
    for p in [*REPO.glob("data/**/*.csv"), *REPO.glob("data/**/*.json"), *REPO.glob("notebooks/*.ipynb")]:
        assert b"\r\n" not in p.read_bytes(), p


def test_every_notebook_starts_with_the_jupyterlab_note():
    for r in catalogue.RAPPORTS:
        first = json.loads(r.notebook.read_text(encoding="utf-8"))["cells"][0]
        text = "".join(first["source"])
        assert first["cell_type"] == "markdown" and first["metadata"]["tags"] == ["note-jupyterlab"], r.id
        assert "cellule de paramètres" in text and "ne publie rien" in text, r.id
        assert f"`cln-analysis run {r.id}`" in text, r.id


def test_optional_parameters_are_typed_in_the_plain_spelling():
    budget = parametres.parametres_declares(catalogue.par_id("budget").notebook)["population"]
    assert (budget.type, budget.optionnel, budget.defaut) == ("int", True, "None")
    appels = parametres.parametres_declares(catalogue.par_id("appels").notebook)["part_transferts"]
    assert (appels.type, appels.optionnel) == ("float", True)
    assert parametres.convertir("budget", budget, "100000") == 100000
    assert parametres.convertir("budget", budget, "") is None


def test_the_older_optional_spelling_is_still_read(tmp_path):
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": None,
                     "source": ['seuil: "Optional[int]" = None  # seuil\n', "taux: float | None = None\n", "n = 3\n"]}]}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    p = parametres.parametres_declares(path)
    assert [(x.nom, x.type, x.optionnel) for x in p.values()] == [
        ("seuil", "int", True), ("taux", "float", True), ("n", "int", False)]


@sans_git
def test_git_filter_set_up_by_make_commits_notebooks_without_outputs(tmp_path):
    """The filter `make` installs (see the Makefile) strips what JupyterLab saved, keeping ids and kernelspec."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert 'git config filter.nbstripout.clean "$(BIN)/python -m nbstripout --keep-id"' in makefile
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "filter.nbstripout.clean", f'"{Path(sys.executable).as_posix()}" -m nbstripout --keep-id')
    shutil.copy(REPO / ".gitattributes", tmp_path / ".gitattributes")
    (tmp_path / "notebooks").mkdir()
    original = (REPO / "notebooks/budget.ipynb").read_bytes()
    nb = json.loads(original)
    for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = i + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["3058244\n"]}]
    (tmp_path / "notebooks/budget.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    _git(tmp_path, "add", "notebooks/budget.ipynb")
    staged = subprocess.run(["git", "show", ":notebooks/budget.ipynb"], cwd=tmp_path, capture_output=True, check=True)
    assert json.loads(staged.stdout) == json.loads(original)


@sans_git
def test_after_make_the_first_git_status_of_a_fresh_clone_runs_no_filter(tmp_path):
    """A fresh clone's files are as recent as its index: the first `git status` compares each notebook through
    the clean filter (a Python process each), unless `make` refreshed the index first, without the filter.
    The filter here counts its runs; the command is the Makefile's own."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    rafraichir = "git -c filter.nbstripout.clean=cat update-index -q --refresh"
    assert makefile.index(rafraichir) < makefile.index("git config filter.nbstripout.clean")
    compte = tmp_path / "filtre.txt"
    filtre = f'"{Path(sys.executable).as_posix()}" -c "import sys; open(sys.argv[1], \'a\').write(\'x\'); ' \
             f'sys.stdout.write(sys.stdin.read())" "{compte.as_posix()}"'

    def depot(nom: str) -> Path:
        root = tmp_path / nom
        (root / "notebooks").mkdir(parents=True)
        _git(root, "init", "-q")
        shutil.copy(REPO / ".gitattributes", root / ".gitattributes")
        for n in ("budget", "cvs"):
            shutil.copy(REPO / f"notebooks/{n}.ipynb", root / f"notebooks/{n}.ipynb")
        _git(root, "add", ".")
        _git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
        # as a clone leaves them: the files written in the same second as the index, some time ago (as long as
        # `make` takes to create the environment before it reaches this step)
        avant = time.time_ns() - 10 * 10**9
        for f in (root / ".git/index", *(root / "notebooks").iterdir()):
            os.utime(f, ns=(avant, avant))
        return root

    def filtres_de_git_status(root: Path) -> int:
        compte.write_text("", encoding="utf-8")
        _git(root, "config", "filter.nbstripout.clean", filtre)
        assert _git(root, "status", "--porcelain").stdout == ""
        return len(compte.read_text(encoding="utf-8"))

    assert filtres_de_git_status(depot("sans")) == 2  # what a fresh clone's first status costs without it
    avec = depot("avec")
    subprocess.run(shlex.split(rafraichir), cwd=avec, check=True)
    assert filtres_de_git_status(avec) == 0


@pytest.mark.e2e
def test_the_jupyterlab_note_is_in_no_page(depot_produit):
    for page in ("reports/budget.html", "reports/audit/budget.html", "reports/grille.html"):
        html = (depot_produit / page).read_text(encoding="utf-8")
        assert "À lire avant de modifier" not in html and "ne publie rien" not in html, page
        assert "Traçabilité" in html


def _depot_git(root: Path) -> Path:
    _git(root, "init", "-q")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    for d in ("retours", "donnees_personnelles"):
        (root / d).mkdir()
        shutil.copy(REPO / "data/raw/grille_notes_exemple.csv", root / d / "grilles.csv")
    return root


def test_personal_files_are_ignored_by_git():
    assert (REPO / "donnees_personnelles/README.md").is_file()
    if GIT:
        res = subprocess.run(["git", "check-ignore", "-q", "donnees_personnelles/grilles_2026.xlsx"], cwd=REPO)
        assert res.returncode == 0
        res = subprocess.run(["git", "check-ignore", "-q", "donnees_personnelles/README.md"], cwd=REPO)
        assert res.returncode == 1


@sans_git
def test_warning_when_a_personal_file_sits_in_a_folder_git_tracks(tmp_path, monkeypatch):
    from cln_analysis import confidentialite, config

    monkeypatch.setattr(config, "ROOT", _depot_git(tmp_path))
    (w,) = confidentialite.avertissements(["grille"], {"notes": "retours/grilles.csv", "seuil_publication": "3"})
    assert w.startswith("attention : retours/grilles.csv (paramètre notes) contient des noms")
    assert "Rangez-le dans donnees_personnelles/, que git ignore." in w
    assert confidentialite.avertissements(["grille"], {"notes": "donnees_personnelles/grilles.csv"}) == []
    assert confidentialite.avertissements(["budget"], {"donnees": "retours/grilles.csv"}) == []  # not personal
    assert confidentialite.avertissements(["grille"], {"ponderations": str(tmp_path.parent / "ailleurs.csv")}) == []


@sans_git
def test_no_warning_for_the_invented_examples_shipped_in_data_raw():
    from cln_analysis import confidentialite

    assert confidentialite.avertissements(["grille"], {"notes": "data/raw/grille_notes_exemple.csv"}) == []
    assert confidentialite.avertissements(["retours"], {"donnees": "data/raw/retours_exemple.csv"}) == []
    (w,) = confidentialite.avertissements(["grille"], {"notes": "data/raw/grille_criteres.csv"})  # tracked, real
    assert w.startswith("attention : data/raw/grille_criteres.csv (paramètre notes) contient des noms")


def test_no_warning_and_no_error_without_git(tmp_path, monkeypatch):
    from cln_analysis import confidentialite, config

    monkeypatch.setattr(config, "ROOT", tmp_path)  # not a repository
    assert confidentialite.avertissements(["grille"], {"notes": "retours/grilles.csv"}) == []
    monkeypatch.setenv("PATH", str(tmp_path))  # git not even installed
    assert confidentialite.avertissements(["grille"], {"notes": "retours/grilles.csv"}) == []


@sans_git
@pytest.mark.e2e
@pytest.mark.rapports("grille")
def test_the_command_line_warns_and_still_runs(depot):
    from conftest import cli

    _depot_git(depot)
    res = cli(depot, "run", "grille", "-p", "notes=retours/grilles.csv")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "attention : retours/grilles.csv (paramètre notes) contient des noms" in res.stderr
    res = cli(depot, "run", "grille", "-p", "notes=donnees_personnelles/grilles.csv")
    assert res.returncode == 0 and "attention" not in res.stderr


def test_the_package_calls_no_shell_and_builds_paths_with_pathlib():
    """Windows needs nothing but Python: no shell, no os.path string joins, no POSIX-only call
    (os.chmod is allowed: on Windows it only sets the read-only flag, and 0644 leaves it off)."""
    for path in sorted((REPO / "cln_analysis").glob("*.py")):
        code = path.read_text(encoding="utf-8")
        for interdit in ("shell=True", "os.system(", "os.popen(", "os.path.join(", "os.sep", "/tmp", "/dev/null",
                         "fcntl", "os.getuid"):
            assert interdit not in code, f"{path.name} : {interdit}"
