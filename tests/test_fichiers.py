"""fichiers.commit_git: the commit is known whenever git is, whatever the notebooks' filter does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def _montages(tmp_path, *lignes):
    p = tmp_path / "mounts"
    p.write_text("".join(f"{ligne}\n" for ligne in lignes), encoding="utf-8")
    return str(p)


def test_the_folder_in_memory_is_used_only_when_it_is_a_tmpfs_with_room(tmp_path, monkeypatch):
    # the mount table as Linux writes /proc/self/mounts (device, mount point, type, options, 0 0), the free room
    # computed by shutil, not by the function under test
    memoire = tmp_path / "shm"
    memoire.mkdir()
    monkeypatch.setattr(fichiers, "EN_MEMOIRE", str(memoire))
    libre = shutil.disk_usage(memoire).free
    tmpfs = _montages(tmp_path, "/dev/vda / ext4 rw,relatime 0 0", f"tmpfs {memoire} tmpfs rw,nosuid,nodev 0 0")
    monkeypatch.setattr(fichiers, "EN_MEMOIRE_LIBRE_MIN", libre // 2)
    assert fichiers._en_memoire_utilisable(tmpfs)
    monkeypatch.setattr(fichiers, "EN_MEMOIRE_LIBRE_MIN", libre * 2 + 2**30)  # a container's 64 Mo: too small
    assert not fichiers._en_memoire_utilisable(tmpfs)
    monkeypatch.setattr(fichiers, "EN_MEMOIRE_LIBRE_MIN", 1)
    assert not fichiers._en_memoire_utilisable(_montages(tmp_path, f"/dev/vdb {memoire} ext4 rw 0 0"))  # a disk
    assert not fichiers._en_memoire_utilisable(_montages(tmp_path, "tmpfs /run tmpfs rw 0 0"))  # not mounted
    assert not fichiers._en_memoire_utilisable(str(tmp_path / "absent"))  # no mount table (not Linux)
    monkeypatch.setattr(fichiers, "EN_MEMOIRE", str(tmp_path / "absent"))  # listed, but no such folder
    assert not fichiers._en_memoire_utilisable(_montages(tmp_path, f"tmpfs {tmp_path / 'absent'} tmpfs rw 0 0"))


def test_the_runs_temporary_folder_is_in_memory_unless_the_user_chose_one(tmp_path, monkeypatch):
    for v in fichiers._VARIABLES_TEMPORAIRES:
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setattr(fichiers, "_en_memoire_utilisable", lambda: True)
    monkeypatch.setattr(fichiers.sys, "platform", "linux")
    systeme = tempfile.gettempdir()
    assert fichiers.dossier_temporaire() == fichiers.EN_MEMOIRE
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the user's choice: theirs
    assert fichiers.dossier_temporaire() == systeme
    monkeypatch.delenv("TMPDIR")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a caller's (a test's) choice: theirs
    assert fichiers.dossier_temporaire() == str(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", systeme)
    monkeypatch.setattr(fichiers.sys, "platform", "win32")  # elsewhere than Linux: tempfile's
    assert fichiers.dossier_temporaire() == systeme
    monkeypatch.setattr(fichiers.sys, "platform", "linux")
    monkeypatch.setattr(fichiers, "_en_memoire_utilisable", lambda: False)  # no room there: tempfile's
    assert fichiers.dossier_temporaire() == systeme


@pytest.mark.skipif(os.name != "posix", reason="POSIX only, as the cleaning itself")
def test_a_killed_runs_folders_are_removed_from_both_temporary_folders(tmp_path, monkeypatch):
    memoire, disque = tmp_path / "memoire", tmp_path / "disque"
    memoire.mkdir(), disque.mkdir()
    monkeypatch.setattr(fichiers, "dossier_temporaire", lambda: str(memoire))
    monkeypatch.setattr(tempfile, "tempdir", str(disque))  # where an earlier version made them
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    for racine in (memoire, disque):
        (racine / f"cln-test-{mort}-a").mkdir()
        (racine / f"cln-test-{os.getpid()}-b").mkdir()
    fichiers.nettoyer_dossiers_morts("cln-test-")
    for racine in (memoire, disque):
        assert [p.name for p in racine.iterdir()] == [f"cln-test-{os.getpid()}-b"]
    # a run with TMPDIR set (its temporary folder the user's) still removes what a killed run left in memory
    (memoire / f"cln-test-{mort}-c").mkdir()
    monkeypatch.setattr(fichiers, "EN_MEMOIRE", str(memoire))
    monkeypatch.setattr(fichiers, "dossier_temporaire", lambda: str(disque))
    fichiers.nettoyer_dossiers_morts("cln-test-")
    assert [p.name for p in memoire.iterdir()] == [f"cln-test-{os.getpid()}-b"]


def test_the_runs_folders_and_files_are_made_in_its_temporary_folder(tmp_path, monkeypatch):
    from cln_analysis import enfants, prelecture, remise

    monkeypatch.setattr(fichiers, "dossier_temporaire", lambda: str(tmp_path))
    lus = prelecture.Prelectures(actif=True)
    assert lus._dossier().parent == tmp_path
    lus.fermer()
    d = remise.Dossier(actif=True)
    assert Path(d.environnement()[remise.VARIABLE]).parent == tmp_path
    d.fermer()
    if enfants.possible():  # the child's value file: made there with no name (nothing listed), then gone
        vus = []
        monkeypatch.setattr(tempfile, "TemporaryFile", lambda dir=None, _v=tempfile.TemporaryFile: vus.append(dir)
                            or _v(dir=dir))
        assert enfants.lancer(sum, (1, 2)).resultat() == 3 and vus == [str(tmp_path)]
    assert list(tmp_path.iterdir()) == []
