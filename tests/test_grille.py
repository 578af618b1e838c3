"""Grid statistics on small hand-checked panels; flags; threshold; overall score; alpha."""

import math

import numpy as np
import pandas as pd
import pytest

from cln_analysis import grille

LIB = {
    0: "Absent ou ignoré",
    1: "Insuffisant ou partiel",
    2: "Acceptable, à améliorer",
    3: "Satisfaisant",
    4: "Exemplaire",
}
NA = np.nan


def panel(**cols):
    return pd.DataFrame(cols, dtype=float)


def test_even_count_median_between_two_levels():
    s = grille.statistiques(panel(c=[2, 3, 2, 3]))
    assert s.loc["c", "mediane"] == 2.5
    assert grille.libelle_mediane(2.5, LIB) == "entre Acceptable et Satisfaisant"
    assert grille.libelle_mediane(3.0, LIB) == "Satisfaisant"
    assert (s.loc["c", "q1"], s.loc["c", "q3"]) == (2.0, 3.0)  # linear interpolation: 2 + 0.75·0 … by hand


def test_quartiles_use_linear_interpolation():
    s = grille.statistiques(panel(c=[0, 1, 3, 4]))
    assert (s.loc["c", "q1"], s.loc["c", "mediane"], s.loc["c", "q3"]) == (0.75, 2.0, 3.25)


def test_abstentions_are_never_zeros():
    s = grille.statistiques(panel(c=[4, 4, NA, NA, 4]))
    assert (s.loc["c", "n"], s.loc["c", "abstentions"], s.loc["c", "note_0"]) == (3, 2, 0)
    assert s.loc["c", "moyenne"] == 4 and s.loc["c", "mediane"] == 4


def test_unanimity_has_consensus_one():
    s = grille.statistiques(panel(c=[3, 3, 3, 3, 3]))
    assert s.loc["c", "consensus"] == pytest.approx(1.0)
    assert s.loc["c", "drapeau"] == "consensus_favorable"


def test_split_panel_has_consensus_zero_and_is_polarised():
    s = grille.statistiques(panel(c=[0, 4, 0, 4]))
    assert s.loc["c", "consensus"] == pytest.approx(0.0)
    assert s.loc["c", "drapeau"] == "polarise"


def test_consensus_by_hand():
    # answers 1,2,2,3: μ = 2; p = (0, ¼, ½, ¼, 0); Cns = 1 + ½·log2(1 − ¼) = 1 + log2(0.75)/2
    s = grille.statistiques(panel(c=[1, 2, 2, 3]))
    assert s.loc["c", "consensus"] == pytest.approx(1 + math.log2(0.75) / 2)


@pytest.mark.parametrize(
    "scores,flag",
    [
        ([3, 3, 4, 4, 3, 3, 4, 3, 3, 2], "consensus_favorable"),
        ([0, 1, 1, 0, 1, 1, 0, 1, 2, 1], "consensus_defavorable"),
        ([0, 0, 1, 4, 4, 3, 2, 2], "polarise"),
        ([2, 2, 2, 3, 2, 1, 2, 2], "accord"),
        ([3, NA, NA, 3, 3, NA], "information_insuffisante"),
        ([0, 0, 1, 1, 2, 2, 2, 3], "avis_partages"),
    ],
)
def test_each_flag(scores, flag):
    assert grille.statistiques(panel(c=scores)).loc["c", "drapeau"] == flag


def test_share_favourable_and_unfavourable():
    s = grille.statistiques(panel(c=[0, 1, 2, 3, 4, NA]))
    assert s.loc["c", "part_favorable"] == pytest.approx(2 / 5)
    assert s.loc["c", "part_defavorable"] == pytest.approx(2 / 5)


def test_threshold_hides_statistics_not_counts():
    notes = panel(a=[3, 3, 3, 3, 3, 3], b=[3, NA, NA, NA, NA, 2])
    av = grille.avis(notes, 5)
    assert av.publies == ["a"] and av.masques == ["b"]
    ids = {c["figure_id"] for c in grille.chiffres(av)}
    assert {"grille.b.n", "grille.b.abstentions"} <= ids
    assert "grille.b.mediane" not in ids and "grille.b.moyenne" not in ids
    few = grille.avis(notes.iloc[:4], 5)
    assert not few.publiable and few.publies == [] and few.global_ is None
    assert {c["figure_id"] for c in grille.chiffres(few)} == {
        "grille.repondants",
        "grille.a.n",
        "grille.a.abstentions",
        "grille.b.n",
        "grille.b.abstentions",
    }


def test_overall_score_labels_and_blocking_points():
    notes = panel(a=[4, 4, 4, 4, 4], b=[4, 4, 4, 4, 4], c=[1, 1, 0, 1, 2])
    av = grille.avis(notes, 5)
    assert av.global_.score == pytest.approx((4 + 4 + 1) / 3)
    assert av.global_.sur_100 == pytest.approx(75.0)
    assert av.global_.niveau == 3 and av.bloquants == ["c"]
    words = grille.avis_global(av.global_, av.bloquants, LIB)
    assert "réservé" in words and "1 point bloquant" in words


def test_nearest_level_cut_offs():
    assert [grille.niveau_proche(x) for x in (0.49, 0.5, 1.49, 2.5, 3.49, 3.5, 4)] == [0, 1, 1, 3, 3, 4, 4]


def test_weighted_score_from_members_points():
    notes = panel(a=[4, 4, 4, 4, 4], b=[0, 0, 0, 0, 0])
    points = panel(a=[100, 50], b=[0, 50])
    av = grille.avis(notes, 2, points)
    assert av.poids.to_dict() == pytest.approx({"a": 0.75, "b": 0.25})
    assert av.global_.score == 2 and av.global_pondere.score == pytest.approx(3.0)


def test_weights_obey_the_publication_threshold():
    """One member's split must not be published as « the council's weights »."""
    notes = panel(a=[4, 4, 4, 4, 4], b=[0, 0, 0, 0, 0])
    av = grille.avis(notes, 5, panel(a=[70], b=[30]))
    assert av.poids is None and av.global_pondere is None and av.ponderateurs == 1
    assert not any(c["figure_id"].startswith("grille.score_global_pondere") for c in grille.chiffres(av, {}))


def test_krippendorff_alpha_needs_five_members():
    assert grille.alpha(panel(a=[1, 2, 3, 4], b=[1, 2, 3, 4])) is None
    same = pd.DataFrame([[0, 2, 4, 1]] * 6, dtype=float)
    assert grille.alpha(same) == pytest.approx(1.0)


def test_alpha_undefined_says_the_real_reason():
    import krippendorff

    # six members who all gave 3 everywhere: no disagreement at all, alpha is 0/0 (krippendorff refuses it)
    tous_3 = pd.DataFrame([[3.0, 3.0, 3.0]] * 6)
    with np.errstate(invalid="ignore"):
        brut = krippendorff.alpha(reliability_data=tous_3.to_numpy(), level_of_measurement="ordinal",
                                  value_domain=[0, 1, 2, 3, 4])
    assert math.isnan(brut)
    assert grille.alpha(tous_3) is None
    assert grille.raison_sans_alpha(tous_3) == "desaccord"
    # six members, but each criterion scored by one member only: no pair to compare
    seuls = pd.DataFrame(np.diag([1.0, 2.0, 3.0, 4.0, 0.0, 2.0])).replace(0.0, NA)
    seuls.iloc[4, 4] = 0.0
    assert grille.raison_sans_alpha(seuls) == "paires"
    assert grille.raison_sans_alpha(panel(a=[1, 2, 3, 4], b=[1, 2, 3, 4])) == "membres"  # four members
    assert grille.raison_sans_alpha(pd.DataFrame([[0, 2, 4, 1]] * 6, dtype=float)) is None
    a = grille.avis(tous_3, 5)
    assert a.alpha is None and a.raison_sans_alpha == "desaccord"
    assert "aucun désaccord" in grille.RAISONS_ALPHA["desaccord"]


def test_split_panel_gets_avis_partages_never_a_level_nobody_chose():
    notes = panel(c=[0, 0, 0, 4, 4, 4])
    stats = grille.statistiques(notes)
    assert stats.loc["c", "mediane"] == 2.0  # (0 + 4) / 2 by hand: the level « Acceptable », chosen by nobody
    texte = grille.libelle_mediane(2.0, LIB, grille.comptes_niveaux(stats, "c"))
    assert texte == "avis partagés : 3 à Absent, 3 à Exemplaire"
    assert "Acceptable" not in texte
    # groups spanning several levels
    stats = grille.statistiques(panel(c=[0, 1, 1, 3, 4, 4]))
    assert stats.loc["c", "mediane"] == 2.0
    assert (grille.libelle_mediane(2.0, LIB, grille.comptes_niveaux(stats, "c"))
            == "avis partagés : 3 entre Absent et Insuffisant, 3 entre Satisfaisant et Exemplaire")
    # a median some members chose keeps its level
    stats = grille.statistiques(panel(c=[0, 2, 2, 4]))
    assert grille.libelle_mediane(2.0, LIB, grille.comptes_niveaux(stats, "c")) == "Acceptable, à améliorer"
    table = grille.synthese(grille.statistiques(panel(c=[0, 0, 0, 4, 4, 4])), LIB)
    assert table.loc[0, "mediane"].startswith("Avis partagés : 3 à Absent, 3 à Exemplaire")
