"""CVS: each figure against the slide, the city/State bounds and point value, project files."""

import pandas as pd
import pytest
from conftest import verifier_publies

from cln_analysis import cvs, donnees, registre
from cln_analysis.erreurs import ErreurParametre


@pytest.fixture(scope="module")
def base():
    cats, ans = donnees.charger("cvs_categories"), donnees.charger("cvs_annees")
    alloc = cvs.allocation(cats, ans, 2025)
    return cats, ans, alloc, donnees.charger("cvs_cofinancement")


def _figures(alloc, ans, cof, part_nouveaux=None):
    ctx = donnees.charger("territoire").set_index("indicateur")
    _, pp = cvs.par_personne_precaire(
        alloc.attribue, ctx.loc["population", "valeur"], ctx.loc["precarite_numerique", "valeur"]
    )
    part = cvs.partage(alloc.attribue, cof, part_nouveaux)
    return {c["figure_id"]: c["value"] for c in cvs.chiffres(alloc, cvs.demandes_suivantes(ans, alloc), part, pp)}


def test_every_published_cvs_figure_matches(base):
    _, ans, alloc, cof = base
    verifier_publies(_figures(alloc, ans, cof), "cvs.", 11)


def test_unpublished_figures(base):
    _, ans, alloc, cof = base
    figs = _figures(alloc, ans, cof)
    assert str(registre.arrondi_comme(figs["cvs.2025.taux_attribution"], "0,0 %")) == "80.1"
    assert str(registre.arrondi_comme(figs["cvs.2026.evolution_sollicite"], "0,0 %")) == "-2.9"
    assert figs["cvs.2025.montant_moyen"] == pytest.approx(269045 / 21)
    assert figs["cvs.2025.montant_par_personne_precaire"] == pytest.approx(269045 / (99500 * 0.223))


def test_city_share_bounds_and_point_value(base):
    _, ans, alloc, cof = base
    figs = _figures(alloc, ans, cof)
    assert figs["cvs.2025.part_ville.min"] == pytest.approx(53809)
    assert figs["cvs.2025.part_ville.max"] == pytest.approx(134522.5)
    assert "cvs.2025.part_ville" not in figs
    point = _figures(alloc, ans, cof, 0.5)["cvs.2025.part_ville"]
    assert point == pytest.approx(269045 * (0.5 * 0.2 + 0.5 * 0.5))
    assert _figures(alloc, ans, cof, 1.0)["cvs.2025.part_ville"] == pytest.approx(53809)
    with pytest.raises(ErreurParametre):
        cvs.partage(alloc.attribue, cof, 1.5)


def test_the_city_and_state_shares_show_their_cents_in_the_table_as_in_the_prose(base):
    """The split is declared to the cent (`CENTIMES`): the table shows every amount of it with its cents, as the
    prose's figures do (« 53 809,00 € » beside « 134 522,50 € », not « 53 809 € »)."""
    _, _, alloc, cof = base
    table = cvs.tableau_partage(alloc.attribue, cvs.partage(alloc.attribue, cof, None))
    ecrit = {c: [cvs.COLONNES[c].format(v) for v in table[c]] for c in ("ville", "etat")}
    nbsp, fine = "\u00a0", "\u202f"  # Babel's fr_FR: a narrow no-break space between thousands, a no-break before €
    assert ecrit == {"ville": [f"53{fine}809,00{nbsp}€", f"134{fine}522,50{nbsp}€"],
                     "etat": [f"215{fine}236,00{nbsp}€", f"134{fine}522,50{nbsp}€"]}  # 269 045 − each, by hand


def _projets(rows):
    df = pd.DataFrame(
        rows, columns=["porteur", "projet", "categorie", "statut", "montant_sollicite", "montant_attribue"]
    )
    df.index = pd.Index(range(2, 2 + len(df)), name="ligne")
    df.attrs["fichier"] = "projets.csv"
    return df


def _liste_conforme():
    rows = [(f"EP{i}", "écrivain public", "ecrivains_publics", "reconduit", 25000, 22580) for i in range(7)]
    rows.append(("EP7", "écrivain public", "ecrivains_publics", "nouveau", 30000, 180645 - 7 * 22580))
    rows += [(f"A{i}", "médiation", "autres", "nouveau", 9000, 6800) for i in range(13)]
    total_req = sum(r[4] for r in rows)
    rows[0] = rows[0][:4] + (rows[0][4] + 335796 - total_req,) + rows[0][5:]
    return _projets(rows)


def test_project_file_that_adds_up(base):
    cats, ans, _, cof = base
    projets = _liste_conforme()
    assert cvs.verifier_projets(projets, cats, ans, 2025) == []
    alloc = cvs.allocation(cvs.categories_depuis_projets(projets).assign(annee=2025), ans, 2025)
    assert (alloc.attribue, alloc.projets) == (269045, 21)
    part = cvs.partage(alloc.attribue, cof, projets=projets)
    new = 180645 - 7 * 22580 + 13 * 6800
    assert part.ville == pytest.approx(new * 0.2 + (269045 - new) * 0.5)


def test_project_file_that_does_not_add_up_names_the_category(base):
    cats, ans, _, _ = base
    projets = _liste_conforme()
    projets.loc[projets.index[-1], "montant_attribue"] -= 100
    problems = cvs.verifier_projets(projets, cats, ans, 2025)
    assert len(problems) == 1
    assert "catégorie « autres »" in str(problems[0]) and "88300 €" in str(problems[0])


def test_categories_must_add_up_to_the_printed_total(base):
    cats, ans, _, _ = base
    bad = cats.copy()
    bad.loc[bad.index[0], "montant_attribue"] = 180000
    problems = cvs.verifier_categories(bad, ans)
    assert problems and "269045" in str(problems[0])
