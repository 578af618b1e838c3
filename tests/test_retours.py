"""Residents' feedback: every figure on a small hand-counted file, the secrecy rules, Wilson intervals."""

import math
import re

import pandas as pd
import pytest

from cln_analysis import questionnaire, retours

ENTETE = "date,canal,motif,reponse_obtenue,agent_joint,ia_comprise,satisfaction,rappellerait,tranche_age,commentaire\n"


def _wilson(k, n, z=1.959963984540054):
    """The Wilson score interval, by its textbook formula (not through statsmodels)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _fichier(tmp_path, lignes):
    p = tmp_path / "retours.csv"
    p.write_text(ENTETE + "".join(l + "\n" for l in lignes), encoding="utf-8")
    return p


# 15 residents, 5 in each age band. Counted by hand:
# reponse_obtenue: oui 8, en partie 4, non 2, empty 1 → n = 14
# agent_joint: oui 3, non 2, pas demandé 9, empty 1 → among those who asked: 3 / 5
# ia_comprise: oui 12, non 2, empty 1 → 12 / 14
# satisfaction: see the test
# rappellerait: oui 9, non 3, ne sait pas 2, empty 1 → 9 / 14
LIGNES = [
    "2026-03-02,téléphone,état civil,oui,pas demandé,oui,5,oui,moins de 30 ans,",
    "2026-03-03,téléphone,élections,oui,pas demandé,oui,5,oui,moins de 30 ans,SECRET-A très privé",
    "2026-03-04,atelier,urbanisme,oui,oui,oui,4,oui,moins de 30 ans,",
    "2026-03-05,atelier,autre,en partie,pas demandé,non,2,non,moins de 30 ans,",
    "2026-03-06,permanence,autre,non,non,oui,1,non,moins de 30 ans,",
    "2026-03-07,en ligne,état civil,oui,pas demandé,oui,5,oui,30 à 59 ans,",
    "2026-03-08,autre,état civil,oui,oui,oui,4,oui,30 à 59 ans,SECRET-B",
    "2026-03-09,téléphone,état civil,en partie,pas demandé,oui,3,ne sait pas,30 à 59 ans,",
    "2026-03-10,téléphone,état civil,en partie,pas demandé,oui,,oui,30 à 59 ans,",
    "2026-03-11,téléphone,état civil,,,,,,30 à 59 ans,",
    "2026-03-12,téléphone,état civil,oui,pas demandé,oui,4,oui,60 ans et plus,",
    "2026-03-13,téléphone,état civil,oui,oui,oui,5,oui,60 ans et plus,",
    "2026-03-14,téléphone,état civil,oui,pas demandé,non,3,non,60 ans et plus,",
    "2026-03-15,téléphone,état civil,en partie,non,oui,2,ne sait pas,60 ans et plus,",
    "2026-03-16,téléphone,état civil,non,pas demandé,oui,,oui,60 ans et plus,",
]


def _figures(tmp_path, lignes=LIGNES, seuil=5):
    q = questionnaire.lire(_fichier(tmp_path, lignes))
    s = retours.synthese(q.reponses, q.commentaires, seuil)
    return {c["figure_id"]: c["value"] for c in retours.chiffres(s)}, s


def test_every_figure_on_a_hand_counted_file(tmp_path):
    v, _ = _figures(tmp_path)
    assert v["retours.repondants"] == 15 and v["retours.commentaires"] == 2
    assert v["retours.reponse_obtenue.oui"] == pytest.approx(8 / 14)
    assert v["retours.reponse_obtenue.en_partie"] == pytest.approx(4 / 14)
    assert v["retours.reponse_obtenue.non"] == pytest.approx(2 / 14)
    lo, hi = _wilson(8, 14)
    assert (v["retours.reponse_obtenue.oui.ic_bas"], v["retours.reponse_obtenue.oui.ic_haut"]) == (
        pytest.approx(lo), pytest.approx(hi))
    assert v["retours.agent_joint.oui"] == pytest.approx(3 / 5)  # « pas demandé » left out
    assert v["retours.ia_comprise.oui"] == pytest.approx(12 / 14)
    # satisfaction answers: 5,5,4,2,1,5,4,3,4,5,3,2 → 4 or 5: 7 of 12; sorted 1,2,2,3,3,4,4,4,5,5,5,5 → median 4
    assert v["retours.satisfaction.part_satisfaits"] == pytest.approx(7 / 12)
    lo, hi = _wilson(7, 12)
    assert v["retours.satisfaction.part_satisfaits.ic_bas"] == pytest.approx(lo)
    assert v["retours.satisfaction.part_satisfaits.ic_haut"] == pytest.approx(hi)
    assert v["retours.satisfaction.mediane"] == 4
    assert v["retours.rappellerait.oui"] == pytest.approx(9 / 14)  # among all three answers
    # by age, among each band's answers to reponse_obtenue: 3/5, 2/4, 3/5
    # 30 à 59 ans has 4 answers (one resident left it empty): none of the breakdown is published
    assert not [k for k in v if k.endswith(("moins_30", "30_59", "60_plus"))]


def test_age_breakdown_published_when_every_band_reaches_the_threshold(tmp_path):
    lignes = LIGNES[:9] + ["2026-03-11,téléphone,état civil,non,,,,,30 à 59 ans,"] + LIGNES[10:]
    v, s = _figures(tmp_path, lignes)
    assert s.age is not None
    assert v["retours.reponse_obtenue.oui.moins_30"] == pytest.approx(3 / 5)
    assert v["retours.reponse_obtenue.oui.30_59"] == pytest.approx(2 / 5)
    assert v["retours.reponse_obtenue.oui.60_plus"] == pytest.approx(3 / 5)


def test_even_count_median_is_the_mean_of_the_two_middle_ones(tmp_path):
    lignes = [f"2026-03-02,,,,,,{n},,," for n in (1, 2, 3, 5, 5, 5)]
    v, _ = _figures(tmp_path, lignes)
    assert v["retours.satisfaction.mediane"] == 4  # (3 + 5) / 2


def test_four_respondents_publish_only_their_number(tmp_path):
    v, s = _figures(tmp_path, LIGNES[:4])
    assert v == {"retours.repondants": 4}
    assert not s.publiable and s.repartitions == {} and s.age is None


def test_a_band_of_three_hides_the_whole_breakdown(tmp_path):
    lignes = LIGNES[:3] + LIGNES[5:]  # moins de 30 ans: 3 residents
    v, s = _figures(tmp_path, lignes)
    assert s.age is None
    assert not [k for k in v if k.endswith(("moins_30", "30_59", "60_plus"))]
    assert "retours.reponse_obtenue.oui" in v  # the rest is still published


def test_residents_without_an_age_band_count_as_a_group(tmp_path):
    lignes = LIGNES[:9] + ["2026-03-11,téléphone,état civil,non,,,,,30 à 59 ans,"] + LIGNES[10:]
    lignes += ["2026-03-17,téléphone,état civil,oui,,,,,,", "2026-03-18,téléphone,état civil,non,,,,,,"]
    _, s = _figures(tmp_path, lignes)
    assert s.sans_age == 2 and s.age is None  # 2 unknown ages could be recomputed from the total


def test_a_question_with_too_few_answers_is_only_counted(tmp_path):
    def sans_agent(ligne):
        cells = ligne.split(",")
        cells[4] = "pas demandé" if cells[4] else ""
        return ",".join(cells)

    lignes = [sans_agent(ligne) for ligne in LIGNES]
    v, s = _figures(tmp_path, lignes)
    assert "agent_joint.oui" in s.masques and "retours.agent_joint.oui" not in v
    assert s.indicateurs.loc["agent_joint.oui", "n"] == 0


def test_wilson_matches_the_textbook_formula_and_is_said_in_words():
    lo, hi = retours.wilson(3, 10)
    assert (float(lo), float(hi)) == (pytest.approx(_wilson(3, 10)[0]), pytest.approx(_wilson(3, 10)[1]))
    assert retours.intervalle_en_mots(0.28, 0.62) == "entre 28\u00a0% et 62\u00a0%"
    assert all(math.isnan(x) for x in retours.wilson(0, 0))


def test_no_comment_text_in_the_computed_tables(tmp_path):
    q = questionnaire.lire(_fichier(tmp_path, LIGNES))
    assert "commentaire" not in q.reponses.columns and q.commentaires == 2
    s = retours.synthese(q.reponses, q.commentaires)
    dump = repr(retours.chiffres(s)) + "".join(t.to_csv() for t in s.repartitions.values())
    assert "SECRET" not in dump and "SECRET" not in q.reponses.to_csv()


def test_counts_are_categorical_and_keep_the_questionnaires_order(tmp_path):
    q = questionnaire.lire(_fichier(tmp_path, LIGNES))
    c = retours.effectifs(q.reponses, "reponse_obtenue")
    assert list(c.index) == ["oui", "en partie", "non"] and list(c) == [8, 4, 2]
    assert isinstance(q.reponses["canal"].dtype, pd.CategoricalDtype)


def test_the_page_names_indicators_in_french_the_csv_keeps_their_ids(depot_produit):
    page = (depot_produit / "reports/retours.html").read_text(encoding="utf-8")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    assert "reponse_obtenue.oui" not in visible and "Réponse obtenue" in visible
    csv_ids = (depot_produit / "data/processed/retours/parts_principales.csv").read_text(encoding="utf-8")
    assert "reponse_obtenue.oui" in csv_ids


def test_interval_in_words_is_rounded_outward():
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(8, 13, alpha=0.05, method="wilson")  # 35,52 % and 82,29 %
    assert retours.intervalle_en_mots(lo, hi) == "entre 35\u00a0% et 83\u00a0%"
    assert retours.COLONNES["ic_bas"].format(lo) == "35\u00a0%"
    assert retours.COLONNES["ic_haut"].format(hi) == "83\u00a0%"


def test_a_published_bound_is_shown_outward_by_the_register():
    from cln_analysis import registre

    assert registre.affichage(0.3552, "ratio", "", 0, "retours.x.ic_bas") == "35\u00a0%"
    assert registre.affichage(0.8229, "ratio", "", 0, "retours.x.ic_haut") == "83\u00a0%"
    assert registre.affichage(0.3552, "ratio", "", 0, "retours.x") == "36\u00a0%"  # a share: nearest


@pytest.mark.rapports("retours")
def test_below_the_threshold_the_count_only_page_and_its_workbook_are_published(depot):
    import io

    import openpyxl
    from conftest import cli

    from cln_analysis import exports

    res = cli(depot, "run", "retours", "--essai", "-p", "seuil_publication=50")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "IndexError" not in res.stderr + res.stdout
    page = (depot / "reports/retours.html").read_text(encoding="utf-8")
    repondants = len((depot / "data/raw/retours_exemple.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert f"Nombre d'habitants ayant répondu\u00a0: {repondants}." in page
    # no heading left with nothing under it (« Question par question », « Selon l'âge »)
    assert "Question par question" not in page and "Selon l" not in page
    wb = openpyxl.load_workbook(io.BytesIO((depot / "reports/donnees/retours.xlsx").read_bytes()))
    assert [[c.value for c in r] for r in wb.worksheets[0].iter_rows()] == [["Information"], [exports.SANS_TABLEAU]]


def test_a_heading_with_nothing_under_it_is_dropped():
    import nbformat

    from cln_analysis.publication import _sans_titres_vides

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    vide, plein = code("x"), code("y")
    plein["outputs"] = [nbformat.v4.new_output("display_data", data={"text/html": "<p>a</p>"})]
    cells = [md("## A"), vide, md("## B"), plein, md("## C"), md("### C1"), vide, md("## D"), md("### D1"), plein,
             md("## E"), vide, md("## Méthode\n\n- texte"), md("### F"), md("- sous F")]
    kept = ["".join(c.source) for c in _sans_titres_vides(cells) if c.cell_type == "markdown"]
    # « E » is followed by a cell that opens with a heading of its level (« L'accord entre les membres » below
    # the threshold, before « Méthode »): nothing is under it
    assert kept == ["## B", "## D", "### D1", "## Méthode\n\n- texte", "### F", "- sous F"]
