"""fichiers.commit_git: the commit is known whenever git is, whatever the notebooks' filter does."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from cln_analysis import fichiers

GIT = shutil.which("git")


def _git(root, *args):
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(GIT is None, reason="git absent")
def test_commit_is_known_when_the_notebook_filter_is_slow(tmp_path, monkeypatch):
    (tmp_path / "n.ipynb").write_text("{}\n", encoding="utf-8")
    (tmp_path / ".gitattributes").write_text("*.ipynb filter=nbstripout\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "un")
    head = _git(tmp_path, "rev-parse", "HEAD")
    # a fresh clone's first run: the filter is configured but cannot answer in time (here it would hang)
    _git(tmp_path, "config", "filter.nbstripout.clean", "sleep 600")
    _git(tmp_path, "config", "filter.nbstripout.required", "true")
    later = time.time() + 5
    os.utime(tmp_path / "n.ipynb", (later, later))  # the index's stat no longer matches: git must re-read it
    monkeypatch.setattr(fichiers, "ATTENTE_GIT", 20)
    assert fichiers.commit_git(tmp_path) == head
    (tmp_path / "n.ipynb").write_text('{"a": 1}\n', encoding="utf-8")
    assert fichiers.commit_git(tmp_path) == head + " (avec des modifications non enregistrées)"


def test_commit_unknown_outside_a_repository(tmp_path):
    if GIT is None:
        assert fichiers.commit_git(tmp_path) == "inconnu (git absent)"
    else:
        assert fichiers.commit_git(tmp_path) == "inconnu (pas de dépôt git)"


@pytest.mark.skipif(GIT is None, reason="git absent")
def test_what_a_run_writes_is_no_change_of_the_code(tmp_path, monkeypatch):
    # a run rewrites data/processed/ and reports/ (tracked): the next run's « Commit git » must not call the code
    # modified for it; a change of a notebook, a module or a raw input still is one
    from cln_analysis import config

    for f in ("data/processed/figures.csv", "reports/index.html", "data/raw/budget.csv", "cln_analysis/a.py"):
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("un\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "un")
    head = _git(tmp_path, "rev-parse", "HEAD")
    with config.racine(tmp_path):
        for f in ("data/processed/figures.csv", "reports/index.html"):
            (tmp_path / f).write_text("deux\n", encoding="utf-8")
        assert fichiers.commit_git(tmp_path) == head
        for f in ("data/raw/budget.csv", "cln_analysis/a.py"):
            (tmp_path / f).write_text("deux\n", encoding="utf-8")
            assert fichiers.commit_git(tmp_path) == head + " (avec des modifications non enregistrées)"
            _git(tmp_path, "checkout", "-q", "--", f)
