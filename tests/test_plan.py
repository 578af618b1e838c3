"""The runner's plan, in-process (`config.racine`): which reports run, in which waves, with which values, and
when a report that depends on another is out of date. Tests of `executeur.planifier` and `etat.cle`."""

import json

import pytest

from cln_analysis import catalogue, config, etat, executeur, parametres
from cln_analysis.erreurs import ErreurCLN, ErreurUsage
from cln_analysis.sorties import EtatRapport


def _notebook(chemin, source: str) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source, "outputs": [],
            "execution_count": None}
    chemin.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                      encoding="utf-8")


@pytest.fixture
def racine(tmp_path):
    """Three reports: `synthese` reads `source`; `seul` stands alone."""
    decl = ""
    for rid, extra in (("seul", ""), ("source", ""), ("synthese", 'depend_de = ["source"]\n')):
        decl += (f'[[rapport]]\nid = "{rid}"\ntitre = "{rid}"\ndescription = "d"\nfigures = ["{rid}.*"]\n'
                 f'entrees = ["donnees"]\n{extra}')
        _notebook(tmp_path / f"notebooks/{rid}.ipynb",
                  f'donnees = "data/raw/{rid}.csv"  # fichier\nseuil = 5  # seuil [min 1]\n')
    (tmp_path / "rapports.toml").write_text('ordre_execution = ["synthese", "source", "seul"]\n' + decl,
                                            encoding="utf-8")
    with config.racine(tmp_path):
        yield tmp_path


def test_running_a_source_redoes_what_depends_on_it_and_the_reverse(racine):
    assert executeur.planifier(["source"], {}).vagues == [["source"], ["synthese"]]
    assert executeur.planifier(["synthese"], {}).vagues == [["source"], ["synthese"]]
    assert executeur.planifier(None, {}).vagues == [["source", "seul"], ["synthese"]]
    assert executeur.planifier(["seul"], {}).vagues == [["seul"]]
    # --force applies to the reports named and those that read them, not to a source run for a dependant
    assert executeur.planifier(["synthese"], {}).demandes == {"synthese"}
    assert executeur.planifier(["source"], {}).demandes == {"source", "synthese"}
    assert executeur.planifier(None, {}).demandes == {"source", "seul", "synthese"}


def test_recorded_values_then_the_command_line_and_what_is_recorded(racine):
    (racine / "exports").mkdir()
    (racine / "exports/s.csv").write_text("x\n", encoding="utf-8")
    parametres.enregistrer("source", {"donnees": "exports/s.csv", "seuil": "7"})
    plan = executeur.planifier(["source"], {"seuil": "8"}, enregistrer=True)
    assert plan.textes == {"source": {"donnees": "exports/s.csv", "seuil": "8"}, "synthese": {}}
    assert plan.valeurs["source"] == {"donnees": "exports/s.csv", "seuil": 8}
    assert plan.a_enregistrer == {"source": {"seuil": "8"}}
    assert executeur.planifier(["source"], {"seuil": "8"}).a_enregistrer == {}  # an --essai run
    defauts = executeur.planifier(["source"], {}, enregistres=False)  # --defauts
    assert defauts.textes == {"source": {}, "synthese": {}} and defauts.a_enregistrer == {}
    lignes = []
    executeur.annoncer(plan, lignes.append)
    assert lignes == ["  source : entrées autres que celles livrées, enregistrées dans parametres.local.toml si le "
                      "rapport réussit : donnees = exports/s.csv, seuil = 8"]
    lignes.clear()
    executeur.annoncer(executeur.planifier(["source"], {}), lignes.append)
    assert lignes == ["  source : entrées autres que celles livrées, enregistrées dans parametres.local.toml : "
                      "donnees = exports/s.csv, seuil = 7"]
    lignes.clear()
    executeur.annoncer(executeur.planifier(["seul"], {"seuil": "2"}), lignes.append)
    assert lignes == ["  seul : entrées autres que celles livrées, pour cette exécution seulement (non enregistrées) : "
                      "seuil = 2"]


def test_a_vanished_recorded_file_stops_the_run_before_anything(racine):
    parametres.enregistrer("source", {"donnees": "exports/parti.csv"})
    with pytest.raises(ErreurCLN, match="« exports/parti.csv », enregistré pour le paramètre « donnees » du rapport "
                                        "source, n'existe plus"):
        executeur.planifier(["seul", "source"], {})
    executeur.planifier(["seul"], {})  # a report that does not read it runs
    executeur.planifier(["source"], {"donnees": "data/raw/source.csv"})  # the command line replaces it
    executeur.planifier(["source"], {}, enregistres=False)  # --defauts does not read it


def test_a_bad_value_on_the_command_line_is_a_usage_error(racine):
    with pytest.raises(ErreurUsage, match="« seuil » ambigu"):
        executeur.planifier(None, {"seuil": "2"})
    with pytest.raises(ErreurUsage, match="rapport inconnu : bilan"):
        executeur.planifier(["bilan"], {})
    with pytest.raises(ErreurCLN, match="seuil.*doit être au moins 1"):
        executeur.planifier(["seul"], {"seuil": "0"})


def test_a_dependant_is_out_of_date_when_its_source_was_redone(racine):
    rap, paquet = catalogue.par_id("synthese"), "p"
    avant = EtatRapport("ok", "d", "2026-12-01T08:00:00+01:00", sorties={"reports/source.html": "1"})
    apres = EtatRapport("ok", "d", "2026-12-01T09:00:00+01:00", sorties={"reports/source.html": "1"})
    k = etat.cle(rap, {}, paquet, {"source": avant})
    assert etat.cle(rap, {}, paquet, {"source": avant}) == k
    assert etat.cle(rap, {}, paquet, {"source": apres}) != k  # redone later, even with the same bytes
    assert etat.cle(rap, {}, paquet, {}) != k
