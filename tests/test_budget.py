"""The budget computations against the figures the slide prints (the register), and the rules."""

import pandas as pd
import pytest
from conftest import verifier_publies

from cln_analysis import budget, donnees, registre
from cln_analysis.erreurs import ErreurDonnees


@pytest.fixture(scope="module")
def calcul():
    table = budget.parts(donnees.charger("budget_mandate"), 2025)
    comp = budget.comparer_primitif(table, donnees.charger("budget_primitif"), 2025)
    hab, _ = budget.population(donnees.charger("territoire"))
    return {c["figure_id"]: c for c in budget.chiffres(table, comp, hab, 2025)}


def test_every_published_budget_figure_matches(calcul):
    verifier_publies({k: c["value"] for k, c in calcul.items()}, "budget.", 14)


def test_the_three_shares_as_printed(calcul):
    shown = {k: registre.arrondi_comme(calcul[f"budget.2025.{k}.part"]["value"], "0,0 %")
             for k in ("investissement", "fonctionnement", "total")}
    assert {k: str(v) for k, v in shown.items()} == {"investissement": "7.3", "fonctionnement": "2.8", "total": "3.7"}


def test_share_of_the_voted_budget_and_per_inhabitant(calcul):
    assert str(registre.arrondi_comme(calcul["budget.2025.total.part_budget_primitif"]["value"], "0,0 %")) == "3.3"
    assert str(registre.arrondi_comme(calcul["budget.2025.numerique_par_habitant"]["value"], "0,00 €")) == "76.05"


def test_weights_add_up_to_one(calcul):
    assert calcul["budget.2025.investissement.poids_numerique"]["value"] + \
        calcul["budget.2025.fonctionnement.poids_numerique"]["value"] == pytest.approx(1)


def test_a_part_above_its_total_is_refused():
    df = pd.DataFrame({"annee": [2025, 2025], "section": ["investissement", "fonctionnement"],
                       "budget_numerique": [50, 10], "budget_total": [40, 100]}, index=pd.Index([2, 3], name="ligne"))
    df.attrs["fichier"] = "budget.csv"
    with pytest.raises(ErreurDonnees) as exc:
        budget.parts(df, 2025)
    [p] = exc.value.problemes
    assert (p.fichier, p.ligne, p.colonne) == ("budget.csv", 2, "budget_numerique")
    assert "dépasse le budget total" in str(exc.value)


def test_missing_section_and_unknown_year_are_named():
    df = pd.DataFrame({"annee": [2025], "section": ["investissement"], "budget_numerique": [1], "budget_total": [2]},
                      index=pd.Index([2], name="ligne"))
    assert "« fonctionnement » manque" in str(budget.verifier(df)[0])
    with pytest.raises(ErreurDonnees, match="aucune ligne pour l'année 2024"):
        budget.selectionner(donnees.charger("budget_mandate"), 2024)


def test_population_from_the_file_unless_given():
    territoire = donnees.charger("territoire")
    assert budget.population(territoire) == (99500, "INSEE 2022")
    assert budget.population(territoire, 100000)[0] == 100000
