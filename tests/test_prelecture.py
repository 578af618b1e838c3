"""Inputs read ahead by a child of the runner while a kernel starts (`cln_analysis.prelecture`): the kernel's reader
takes the child's value only when the file is the one it read, and reads the file itself otherwise, raising its
error as it would have. In this process, which plays both parts: the kernel's environment is set by monkeypatch."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import pytest

from cln_analysis import balayage, budget_lignes, catalogue, config, enfants, parametres, prelecture
from cln_analysis.catalogue import ErreurDeclaration
from cln_analysis.erreurs import ErreurDonnees

pytestmark = pytest.mark.skipif(not enfants.possible(), reason="children are forked on Linux only")

EXEMPLE = config.ROOT / "data/raw/budget_lignes_exemple.csv"
#: what the test reader was last called with, in this process (a child's calls are not seen here)
APPELS: list[Path] = []


def _lire_texte(chemin: Path) -> str:
    APPELS.append(Path(chemin))
    if Path(chemin).read_text(encoding="utf-8").startswith("averti"):
        warnings.warn("lu avec un avertissement", UserWarning, stacklevel=1)
    return Path(chemin).read_text(encoding="utf-8").upper()


lire_texte = prelecture.lecteur(_lire_texte)


@pytest.fixture
def noyau(monkeypatch):
    """This process as a kernel the runner started, the run's reads ahead in a folder of their own."""
    lus = prelecture.Prelectures()
    monkeypatch.setenv(balayage.VARIABLE_SEL, "00" * 16)
    monkeypatch.setenv(prelecture.VARIABLE, lus.environnement()[prelecture.VARIABLE])
    APPELS.clear()
    yield lus
    lus.fermer()


PERIMETRE = config.ROOT / "data/raw/budget_perimetre.csv"
#: the budget report's reader, as rapports.toml declares it, and the values the runner gives it (the defaults)
CHARGER = (("lignes", "budget_lignes.charger"),)
ENTREES = ("lignes", "perimetre")


def _valeurs(lignes, perimetre="data/raw/budget_perimetre.csv", annee=2025) -> dict:
    return {"lignes": str(lignes), "perimetre": str(perimetre), "annee": annee}


def test_the_kernel_takes_the_budget_lines_read_and_matched_by_the_child(noyau):
    assert prelecture.parametres_avec("budget_lignes.charger") == ("perimetre", "annee")
    noyau.lancer(CHARGER, _valeurs(EXEMPLE), ENTREES)
    pris = prelecture.prendre(budget_lignes.charger.prelecture, EXEMPLE, PERIMETRE, 2025)
    assert pris is not None  # the child's value: the lines, the perimeter, the rules applied
    os.environ.pop(prelecture.VARIABLE)
    lignes, perimetre, res = budget_lignes.charger(EXEMPLE, PERIMETRE, 2025)  # no folder: computed here
    (l_pris, p_pris, r_pris) = pris[0]
    assert l_pris.table.equals(lignes.table) and l_pris.table.attrs == lignes.table.attrs
    assert (l_pris.fichier, l_pris.description, l_pris.colonnes_ville) == (
        lignes.fichier, lignes.description, lignes.colonnes_ville)
    assert p_pris.regles.equals(perimetre.regles) and p_pris.filtres == perimetre.filtres
    for champ in ("mandate", "primitif", "numeriques", "ordre", "regles", "attribuees"):
        a, b = getattr(r_pris, champ), getattr(res, champ)
        assert a.equals(b) and list(a.dtypes) == list(b.dtypes) and a.attrs == b.attrs, champ
    assert (r_pris.annee, r_pris.annees, r_pris.incompletes) == (res.annee, res.annees, res.incompletes)
    assert len(res.numeriques) > 50  # a real table went through


def test_a_perimeter_changed_since_the_child_read_it_is_applied_again(noyau, tmp_path):
    perimetre = tmp_path / "perimetre.csv"
    perimetre.write_text(PERIMETRE.read_text(encoding="utf-8"), encoding="utf-8")
    noyau.lancer(CHARGER, _valeurs(EXEMPLE, perimetre), ENTREES)
    noyau._enfants[-1].fermer()  # the child has applied every rule
    lignes = perimetre.read_text(encoding="utf-8").splitlines(keepends=True)
    perimetre.write_text("".join(lignes[:2]), encoding="utf-8")  # the officer keeps the first rule only
    _, regles, res = budget_lignes.charger(EXEMPLE, perimetre, 2025)
    assert len(regles.regles) == 1 and set(res.numeriques["regle"]) == {regles.regles["id"].iloc[0]}


def test_another_year_than_the_one_read_ahead_is_computed_by_the_kernel(noyau):
    noyau.lancer(CHARGER, _valeurs(EXEMPLE), ENTREES)
    noyau._enfants[-1].fermer()
    assert prelecture.prendre(budget_lignes.charger.prelecture, EXEMPLE, PERIMETRE, 2024) is None
    assert prelecture.prendre(budget_lignes.charger.prelecture, EXEMPLE, PERIMETRE, 2025) is not None


def test_a_reader_given_a_personal_input_reads_nothing_ahead(tmp_path):
    lus = prelecture.Prelectures()
    lus.lancer(CHARGER, _valeurs(EXEMPLE), ENTREES, personnelles=("perimetre",))
    assert lus._enfants == [] and lus.dossier is None
    lus.fermer()


def test_a_value_is_taken_once_and_its_file_removed(noyau, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("bonjour", encoding="utf-8")
    noyau.lire(_lire_texte, f)
    assert lire_texte(f) == "BONJOUR" and APPELS == []  # read by the child, not here
    assert not list(noyau.dossier.glob("*.pickle"))
    assert lire_texte(f) == "BONJOUR" and APPELS == [f]  # taken already: read here


def test_a_file_changed_since_the_child_read_it_is_read_again(noyau, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("avant", encoding="utf-8")
    lu = f.stat()
    noyau.lire(_lire_texte, f)
    noyau._enfants[-1].fermer()  # the child has read « avant »
    f.write_text("apres", encoding="utf-8")  # as many bytes, its modification time then put back as it was:
    os.utime(f, ns=(lu.st_atime_ns, lu.st_mtime_ns))  # its change time says that it was written
    assert f.stat().st_size == lu.st_size and f.stat().st_mtime_ns == lu.st_mtime_ns
    assert lire_texte(f) == "APRES" and APPELS == [f]


def test_a_file_of_the_same_name_replaced_is_read_again(noyau, tmp_path):
    f, autre = tmp_path / "a.txt", tmp_path / "b.txt"
    f.write_text("un", encoding="utf-8")
    noyau.lire(_lire_texte, f)
    noyau._enfants[-1].fermer()
    autre.write_text("un", encoding="utf-8")  # the same bytes, another file (another inode) put in its place
    autre.replace(f)
    assert lire_texte(f) == "UN" and APPELS == [f]


def test_a_refused_file_is_refused_by_the_kernel_as_without_a_child(noyau, tmp_path):
    mauvais = tmp_path / "mauvais.csv"
    mauvais.write_text("a;b\n1;2\n", encoding="utf-8")
    noyau.lancer(CHARGER, _valeurs(mauvais), ENTREES)
    noyau._enfants[-1].fermer()
    assert not list(noyau.dossier.glob("*.pickle"))  # the child failed: nothing left
    with pytest.raises(ErreurDonnees) as seul:
        budget_lignes.charger.prelecture(mauvais, PERIMETRE, 2025)
    with pytest.raises(ErreurDonnees) as pris:
        budget_lignes.charger(mauvais, PERIMETRE, 2025)
    assert str(pris.value) == str(seul.value) and "BGT_" in str(pris.value)


def test_the_childs_warnings_are_given_again_by_the_kernel(noyau, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("averti", encoding="utf-8")
    noyau.lire(_lire_texte, f)
    with warnings.catch_warnings(record=True) as vus:
        warnings.simplefilter("always")
        assert lire_texte(f) == "AVERTI"
    assert APPELS == [] and [(str(v.message), v.category) for v in vus] == [("lu avec un avertissement", UserWarning)]


def test_the_kernel_waits_for_a_child_still_reading(noyau, tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text("lent", encoding="utf-8")
    lecture, ecriture = os.pipe()

    def lent(chemin: Path) -> str:  # the child reads once this test lets it
        os.read(lecture, 1)
        return _lire_texte(chemin)

    lent.__qualname__ = "lent"
    noyau.lire(lent, f)
    attend = threading.Event()
    attendre = prelecture._attendre
    monkeypatch.setattr(prelecture, "_attendre", lambda pid: (attend.set(), attendre(pid)))
    out = []
    t = threading.Thread(target=lambda: out.append(prelecture.prendre(lent, f)))
    t.start()
    assert attend.wait(timeout=60)  # the kernel is waiting: only now may the child read
    os.write(ecriture, b"x")
    t.join()
    os.close(lecture), os.close(ecriture)
    assert out == [("LENT",)] and APPELS == []


def test_a_kernel_the_runner_did_not_start_reads_its_files_itself(noyau, tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text("jupyterlab", encoding="utf-8")
    noyau.lire(_lire_texte, f)
    noyau._enfants[-1].fermer()
    monkeypatch.delenv(balayage.VARIABLE_SEL)  # JupyterLab's kernel, whatever its shell exported
    assert lire_texte(f) == "JUPYTERLAB" and APPELS == [f]


def test_closing_stops_a_child_still_reading_and_removes_the_folder(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("jamais", encoding="utf-8")
    lus = prelecture.Prelectures()
    lecture, ecriture = os.pipe()

    def bloque(chemin: Path) -> str:  # never lets go: only its end by the run can stop it
        os.read(lecture, 1)
        return "lu"

    bloque.__qualname__ = "bloque"
    lus.lire(bloque, f)
    enfant, dossier = lus._enfants[0], lus.dossier
    lus.fermer()
    os.close(lecture), os.close(ecriture)
    assert enfant.fini() and not dossier.exists()
    assert os.waitstatus_to_exitcode(enfant._statut) != 0  # stopped, not ended by its reading


def test_nothing_is_read_ahead_for_an_empty_parameter_or_a_missing_file(tmp_path):
    lus = prelecture.Prelectures()
    lus.lancer(CHARGER, _valeurs(""), ENTREES)
    lus.lancer(CHARGER, _valeurs(tmp_path / "absent.csv"), ENTREES)
    lus.lancer(CHARGER, _valeurs(EXEMPLE, tmp_path / "absent.csv"), ENTREES)  # its perimeter missing
    lus.lancer(CHARGER, _valeurs(EXEMPLE, ""), ENTREES)  # its perimeter left empty: the kernel's default
    assert lus._enfants == []
    lus.fermer()


def test_every_declared_read_ahead_is_a_marked_reader_of_a_public_input():
    declares = [(r, p, nom) for r in catalogue.rapports() for p, nom in r.prelecture]
    assert ("budget", "lignes", "budget_lignes.charger") in [(r.id, p, n) for r, p, n in declares]
    for r, p, nom in declares:
        assert callable(prelecture.resoudre(nom)) and p in r.entrees and p not in r.personnels
        declares_nb = parametres.parametres_declares(r.notebook)
        for autre in prelecture.parametres_avec(nom):  # the reader's other parameters: the notebook's, public
            assert autre in declares_nb and autre not in r.personnels, (r.id, autre)
    with pytest.raises(ValueError):
        prelecture.resoudre("budget_lignes.lire_perimetre")  # a reader not marked


@pytest.mark.parametrize(("bloc", "attendu"), [
    ('[rapport.prelecture]\nnoms = "budget_lignes.charger"\n', "doit être une entrée publique"),
    ('[rapport.prelecture]\nlignes = "charger"\n', "associe un paramètre"),
])
def test_a_personal_or_malformed_read_ahead_is_refused_in_rapports_toml(bloc, attendu):
    texte = ('[[rapport]]\nid = "x"\ntitre = "X"\ndescription = "X"\nentrees = ["lignes", "noms"]\n'
             'entrees_personnelles = ["noms"]\n' + bloc)
    with pytest.raises(ErreurDeclaration, match=attendu):
        catalogue.lire_declarations(texte)


def test_the_folder_of_a_killed_run_is_removed_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    fini = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    mort = tmp_path / f"{prelecture.PREFIXE}{int(fini.stdout)}-abc"  # the folder of a run that has ended
    vivant = tmp_path / f"{prelecture.PREFIXE}{os.getpid()}-def"  # of a run still going (this process)
    autre = tmp_path / f"{prelecture.PREFIXE}xyz"  # not a run's
    for d in (mort, vivant, autre):
        d.mkdir()
        (d / "a.pickle").write_bytes(b"x")
    prelecture.nettoyer()
    assert not mort.exists() and vivant.exists() and autre.exists()


def test_a_run_that_reads_nothing_ahead_makes_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    lus = prelecture.Prelectures(actif=False)
    assert lus.environnement() == {}
    lus.lire(_lire_texte, EXEMPLE)
    lus.fermer()
    assert list(tmp_path.iterdir()) == []


def test_where_no_child_can_be_forked_nothing_is_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(enfants, "possible", lambda: False)  # Windows, macOS: the kernel reads its files itself
    APPELS.clear()
    lus = prelecture.Prelectures(actif=True)
    assert lus.environnement() == {}
    lus.lire(_lire_texte, EXEMPLE)
    lus.fermer()
    assert list(tmp_path.iterdir()) == [] and APPELS == []


def _priorite(chemin: Path) -> int:
    return os.nice(0)  # the niceness the reader ran at


lire_priorite = prelecture.lecteur(_priorite)


def test_the_child_reads_behind_the_kernels_start(noyau, tmp_path):
    # by hand: this process's niceness plus PRIORITE, at most 19 (the system's lowest priority)
    fichier = tmp_path / "f.txt"
    fichier.write_text("x", encoding="utf-8")
    noyau.lire(_priorite, fichier)
    assert lire_priorite(fichier) == min(19, os.nice(0) + prelecture.PRIORITE)
    os.environ.pop(prelecture.VARIABLE)
    assert lire_priorite(fichier) == os.nice(0)  # read here: at this process's own priority
