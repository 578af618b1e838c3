"""A large hand-over through a file of the run's folder (`remise`): written whole by the kernel, taken back once by
the runner from its own folder only, checked; displayed as before elsewhere."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cln_analysis import balayage, publication, remise
from cln_analysis.publication import SortiesAbsentes
from cln_analysis.sorties import MIME, MIME_REMISE, Sorties, TableauLong

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the hand-over by file is POSIX only")


@pytest.fixture
def dossier(monkeypatch):
    d = remise.Dossier()
    monkeypatch.setenv(balayage.VARIABLE_SEL, "ab" * 16)
    monkeypatch.setenv(remise.VARIABLE, d.environnement()[remise.VARIABLE])
    yield d
    d.fermer()


def test_a_large_text_goes_through_the_folder_and_comes_back_once(dossier):
    texte = '{"a": "é « » \\" ' + "x" * remise.SEUIL + '"}'
    record = remise.deposer(texte)
    octets = texte.encode("utf-8")
    assert record["octets"] == len(octets) and record["sha256"] == hashlib.sha256(octets).hexdigest()
    assert [p.name for p in dossier.chemin.iterdir()] == [record["fichier"]]  # whole: no partial file beside it
    assert dossier.reprendre(record) == texte
    assert list(dossier.chemin.iterdir()) == []  # taken once, removed
    with pytest.raises(remise.RemiseInvalide, match="absente"):
        dossier.reprendre(record)
    chemin = dossier.chemin
    dossier.fermer()
    assert not chemin.exists()


def test_a_small_text_or_a_kernel_the_runner_did_not_start_displays_it(dossier, monkeypatch):
    assert remise.deposer("{}") is None  # small
    monkeypatch.delenv(balayage.VARIABLE_SEL)  # JupyterLab's kernel, whatever its shell exported
    assert remise.deposer("x" * remise.SEUIL) is None
    monkeypatch.setenv(balayage.VARIABLE_SEL, "ab" * 16)
    monkeypatch.delenv(remise.VARIABLE)
    assert remise.deposer("x" * remise.SEUIL) is None
    monkeypatch.setenv(remise.VARIABLE, str(dossier.chemin / "absent"))  # a folder that cannot be written
    assert remise.deposer("x" * remise.SEUIL) is None
    assert list(dossier.chemin.iterdir()) == []


def test_the_runner_takes_only_a_file_of_its_own_folder_as_it_was_written(dossier, tmp_path):
    record = remise.deposer("y" * remise.SEUIL)
    (dossier.chemin / record["fichier"]).write_bytes(b"z" * remise.SEUIL)  # same size, other bytes
    with pytest.raises(remise.RemiseInvalide, match="modifiée"):
        dossier.reprendre(record)
    ailleurs = tmp_path / ("0" * 32 + ".json")
    ailleurs.write_text("{}", encoding="utf-8")
    for mauvais in ({"fichier": "../" + ailleurs.name, "octets": 2, "sha256": ""}, {"fichier": "0" * 32 + ".json\n"},
                    {"fichier": str(ailleurs), "octets": 2, "sha256": ""}, {"fichier": 3}, [], None):
        with pytest.raises(remise.RemiseInvalide):
            dossier.reprendre(mauvais)
    assert ailleurs.read_text(encoding="utf-8") == "{}"  # never read nor removed
    with pytest.raises(remise.RemiseInvalide, match="hors du dossier"):
        remise.Dossier().reprendre({"fichier": "0" * 32 + ".json"})  # a runner without a folder


def _notebook(data: dict):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("r.publier()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>Traçabilité</p>"}),
                    nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    return nb


def test_the_runner_reads_the_outputs_handed_over_by_file_and_says_so_when_it_cannot(dossier):
    long = TableauLong("Lignes", ["Ligne"], [False], [["2", "3"]], [[0, 1] * (remise.SEUIL // 4)])
    s = Sorties("budget", [], {"t.csv": "a\n1\n"}, [], tableaux_longs={"lignes": long})
    texte = s.texte()
    record = remise.deposer(texte)
    assert record is not None
    nb = _notebook({MIME_REMISE: record})
    assert publication.extraire_sorties(nb, dossier) == s
    assert [list(o["data"]) for o in nb.cells[0].outputs] == [["text/html"]]  # the hand-over's output taken out
    with pytest.raises(SortiesAbsentes, match="illisibles .remise par fichier absente"):  # taken once
        publication.extraire_sorties(_notebook({MIME_REMISE: record}), dossier)
    with pytest.raises(SortiesAbsentes, match="sans dossier"):
        publication.extraire_sorties(_notebook({MIME_REMISE: record}))
    assert publication.extraire_sorties(_notebook({MIME: texte})) == s  # displayed: as before


def test_a_killed_runs_folder_is_removed_by_the_next_run_a_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (tmp_path / f"{remise.PREFIXE}{mort}-abc").mkdir()
    vivant = tmp_path / f"{remise.PREFIXE}{os.getpid()}-def"
    vivant.mkdir()
    autre = tmp_path / f"{remise.PREFIXE}pas-un-pid"
    autre.mkdir()
    remise.nettoyer()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([vivant.name, autre.name])


def test_publier_hands_a_large_report_over_by_file(dossier, monkeypatch):
    # a kernel the runner started: `Rapport.publier` displays only the file's record, which the runner takes back
    from cln_analysis import rapport as module_rapport
    from cln_analysis.rapport import Rapport

    vus = []
    monkeypatch.setattr(module_rapport, "display", lambda *a, **k: vus.extend(a))
    monkeypatch.setattr(remise, "SEUIL", 10)
    r = Rapport("budget", annee=2025, donnees="data/raw/budget_mandate.csv", denominateur="mandate",
                population=None, budget_primitif="data/raw/budget_primitif.csv", territoire="data/raw/territoire.csv",
                lignes=None, perimetre="data/raw/budget_perimetre.csv")
    r.publier()
    record = vus[-1][MIME_REMISE]
    assert set(record) == {"fichier", "octets", "sha256"}
    lu = json.loads(dossier.reprendre(record))
    assert lu["rapport"] == "budget" and "codes" in lu and "graphiques" in lu


@pytest.mark.skipif(os.name != "posix", reason="the run's folder is POSIX only")
def test_a_kernels_connection_file_is_in_the_runs_folder_and_goes_with_the_kernel():
    # a run killed (kill -9) left each kernel's connection file in tempfile's folder for good; in the run's own
    # folder, the next run removes it with the folder (`nettoyer`, tested above)
    from cln_analysis import executeur

    d = remise.Dossier(actif=True)
    km = executeur.demarrer_noyau(dossier=d)
    try:
        fichier = Path(km.connection_file)
        assert fichier.parent == d.chemin and fichier.is_file()
        assert remise._NOM.fullmatch(fichier.name) is None  # never taken back as a hand-over
        assert json.loads(fichier.read_text(encoding="utf-8"))["key"]  # the kernel's own connection file
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)  # the kernel read it and answers
        finally:
            kc.stop_channels()
    finally:
        executeur.arreter_noyau(km)
    assert not fichier.exists()
    d.fermer()
