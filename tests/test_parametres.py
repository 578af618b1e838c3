"""Command-line values to each report, and the local parameters file (the inputs the officer publishes with)."""

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from cln_analysis import config, parametres
from cln_analysis.erreurs import ErreurCLN, ErreurUsage

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def racine(tmp_path):
    """A root holding the declarations and the notebooks (their parameters cells), and no local file."""
    shutil.copy(REPO / "rapports.toml", tmp_path / "rapports.toml")
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    with config.racine(tmp_path):
        yield tmp_path


def test_a_name_several_selected_reports_declare_must_name_its_report(racine):
    with pytest.raises(ErreurUsage, match=r"« donnees » ambigu : les rapports budget, appels le déclarent tous ; "
                                          r"nommez le rapport \(par exemple -p budget\.donnees=…\)"):
        parametres.repartir(["budget", "appels"], {"donnees": "x.csv"})
    assert parametres.repartir(["budget", "appels"], {"appels.donnees": "x.csv", "population": "1"}) == {
        "budget": {"population": "1"}, "appels": {"donnees": "x.csv"}}
    assert parametres.repartir(["appels"], {"donnees": "x.csv"}) == {"appels": {"donnees": "x.csv"}}
    with pytest.raises(ErreurUsage, match="le rapport « grille » n'est pas parmi ceux demandés"):
        parametres.repartir(["appels"], {"grille.notes": "x.csv"})
    with pytest.raises(ErreurUsage, match="paramètre inconnu « appels.notes »"):
        parametres.repartir(["appels"], {"appels.notes": "x.csv"})


def test_values_are_kept_as_text_through_the_file(racine):
    valeurs = {"donnees": "C:\\Users\\Agent\\Mes documents\\appels « 2026 ».xlsx", "jours_ouvres": "0250",
               "contexte": 'a"b\nc\td\x7fe\x01'}
    parametres.enregistrer("appels", valeurs)
    texte = config.LOCAL_PARAMETERS.read_text(encoding="utf-8")
    assert tomllib.loads(texte) == {"appels": valeurs}  # an independent TOML reader reads the same text back
    assert texte.startswith("# Les paramètres avec lesquels vos rapports sont publiés")
    assert parametres.lire_locaux() == {"appels": valeurs}
    parametres.enregistrer("budget", {"population": "01053"})
    parametres.enregistrer("appels", {"jours_ouvres": "251"})  # beside the other recorded values
    assert parametres.lire_locaux() == {"budget": {"population": "01053"}, "appels": valeurs | {"jours_ouvres": "251"}}
    assert list(tomllib.loads(config.LOCAL_PARAMETERS.read_text(encoding="utf-8"))) == ["budget", "appels"]


def test_reset_forgets_a_report_and_the_file_goes_with_the_last(racine):
    parametres.enregistrer("appels", {"donnees": "a.csv"})
    parametres.enregistrer("budget", {"population": "2"})
    assert parametres.reinitialiser(["appels", "cvs"]) == ["appels"]
    assert parametres.lire_locaux() == {"budget": {"population": "2"}}
    parametres.reinitialiser(["budget"])
    assert not config.LOCAL_PARAMETERS.exists()  # as on a fresh clone
    assert parametres.lire_locaux() == {}


def test_a_file_edited_by_hand(racine):
    config.LOCAL_PARAMETERS.write_text("[budget]\npopulation = 100000\nannee = 2025\n", encoding="utf-8")
    assert parametres.lire_locaux() == {"budget": {"population": "100000", "annee": "2025"}}
    config.LOCAL_PARAMETERS.write_text("[budget]\npopulation = [1]\n", encoding="utf-8")
    with pytest.raises(ErreurCLN, match=r"parametres\.local\.toml : \[budget\] population : écrivez la valeur entre"):
        parametres.lire_locaux()
    config.LOCAL_PARAMETERS.write_text("[budjet]\npopulation = \"1\"\n", encoding="utf-8")
    with pytest.raises(ErreurCLN, match=r"\[budjet\] n'est pas un rapport"):
        parametres.lire_locaux()
    config.LOCAL_PARAMETERS.write_text("[budget\n", encoding="utf-8")
    with pytest.raises(ErreurCLN, match="parametres.local.toml : mal écrit : .*line 1"):
        parametres.lire_locaux()
    with pytest.raises(ErreurCLN, match=r"\[budget\] populasion : le rapport budget ne déclare pas ce paramètre"):
        parametres.convertir_enregistres({"budget": {"populasion": "1"}})
    with pytest.raises(ErreurCLN, match="parametres.local.toml : rapport « budget », paramètre « population »"):
        parametres.convertir_enregistres({"budget": {"population": "beaucoup"}})


def test_a_recorded_file_that_disappeared_is_an_error(racine):
    (racine / "exports").mkdir()
    (racine / "exports/appels_2026.csv").write_text("x\n", encoding="utf-8")
    parametres.verifier_fichiers_enregistres({"appels": {"donnees": "exports/appels_2026.csv", "jours_ouvres": "9"}})
    (racine / "exports/appels_2026.csv").unlink()
    with pytest.raises(ErreurCLN) as exc:
        parametres.verifier_fichiers_enregistres({"appels": {"donnees": "exports/appels_2026.csv"}})
    assert exc.value.code_sortie == 1
    assert str(exc.value) == (
        "parametres.local.toml : le fichier « exports/appels_2026.csv », enregistré pour le paramètre « donnees » du "
        "rapport appels, n'existe plus. Remettez-le à cet endroit, donnez le nouveau chemin (cln-analysis run appels "
        "-p donnees=…), ou revenez aux données livrées : cln-analysis parametres --reinitialiser appels")
    parametres.verifier_fichiers_enregistres({"grille": {"ponderations": ""}})  # an optional file left empty


def test_the_kernels_values_are_the_given_ones_over_the_notebooks_defaults(tmp_path):
    # what a read ahead is given (`prelecture`): the values papermill injects, else the notebook's own defaults
    nb = tmp_path / "n.ipynb"
    source = ('annee = 2025  # exercice\nperimetre = "data/raw/p.csv"  # périmètre\nlignes: str | None = None\n'
              'calcul = len("abc")  # not a literal\n')
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
                                         "source": source}]}), encoding="utf-8")
    assert parametres.valeurs_du_noyau(nb, {"lignes": "l.csv", "annee": 2024}) == {
        "annee": 2024, "perimetre": "data/raw/p.csv", "lignes": "l.csv"}
    assert parametres.valeurs_du_noyau(nb, {}) == {"annee": 2025, "perimetre": "data/raw/p.csv", "lignes": None}
