"""Call centre: each figure, monthly files, the received = lost + answered rule, years given twice."""

import pandas as pd
import pytest
from conftest import verifier_publies

from cln_analysis import appels, donnees
from cln_analysis.erreurs import ErreurDonnees


def _df(rows):
    df = pd.DataFrame(rows, columns=["periode", "appels_recus", "appels_perdus", "appels_repondus"])
    df.index = pd.Index(range(2, 2 + len(df)), name="ligne")
    df.attrs["fichier"] = "appels.csv"
    return df


@pytest.fixture(scope="module")
def figs():
    t = appels.annuel(donnees.charger("appels_standard"))
    obj = appels.ecart_objectif(appels.derniere_annee_complete(t), 1.0, 250, 1, 1 / 3)
    return {c["figure_id"]: c["value"] for c in appels.chiffres(t, obj)}


def test_every_published_call_figure_matches(figs):
    verifier_publies(figs, "appels.", 12)


def test_derived_figures(figs):
    assert figs["appels.2025.ecart_objectif"] == 18679
    assert figs["appels.2025.perdus_par_jour_ouvre"] == pytest.approx(18679 / 250)
    assert figs["appels.2025.heures_conversation"] == pytest.approx(80274 / 60)
    assert figs["appels.2025.transferts_estimes"] == pytest.approx(80274 / 3)
    assert figs["appels.2024.evolution_recus"] == pytest.approx(108440 / 134702 - 1)
    assert "appels.2023.evolution_recus" not in figs


def test_monthly_2026_file_is_a_partial_year_compared_month_to_month():
    rows = [("2025", 98953, 18679, 80274), ("2026-03", 8000, 400, 7600), ("2026-04", 7900, 300, 7600)]
    t = appels.annuel(_df(rows))
    y2026 = t.set_index("annee").loc[2026]
    assert (y2026["appels_recus"], y2026["mois"], bool(y2026["partielle"])) == (15900, 2, True)
    assert pd.isna(y2026["evolution_recus"])  # a partial year is compared to nothing
    assert int(appels.derniere_annee_complete(t)["annee"]) == 2025
    m = appels.mensuel(_df(rows + [("2025-03", 9000, 2000, 7000)]))
    assert m.set_index("periode").loc["2026-03", "taux_decroche_agent_annee_precedente"] == pytest.approx(7000 / 9000)


def test_mismatch_names_the_row_and_the_three_numbers():
    with pytest.raises(ErreurDonnees) as exc:
        appels.annuel(_df([("2024", 108440, 18268, 90172), ("2025", 98953, 18679, 80275)]))
    [p] = exc.value.problemes
    assert p.ligne == 3 and "98953" in str(p) and "18679" in str(p) and "80275" in str(p)


def test_year_given_twice_must_agree():
    months = [(f"2025-{m:02d}", 10, 1, 9) for m in range(1, 13)]
    ok = appels.annuel(_df([("2025", 120, 12, 108)] + months))
    assert int(ok.iloc[0]["appels_recus"]) == 120
    with pytest.raises(ErreurDonnees, match="donnée deux fois"):
        appels.annuel(_df([("2025", 121, 12, 109)] + months))
    with pytest.raises(ErreurDonnees, match="par 2 mois"):
        appels.annuel(_df([("2025", 20, 2, 18), ("2025-01", 10, 1, 9), ("2025-02", 10, 1, 9)]))


def test_file_rules_via_the_loader(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("periode,appels_recus,appels_perdus,appels_repondus\n2025,1,0,1\n2025,1,0,1\n2025-13,1,0,1\n2024,-1,0,1\n")
    with pytest.raises(ErreurDonnees) as exc:
        donnees.charger("appels_standard", p)
    text = str(exc.value)
    assert "ligne 3" in text and "figure déjà ligne 2" in text
    assert "« 2025-13 » n'a pas la forme attendue" in text
    assert "ligne 5, colonne « appels_recus »" in text


def test_working_values_come_from_the_slides_unless_given():
    ctx = donnees.charger("appels_contexte")
    h = appels.hypotheses(ctx)
    assert (h.objectif_decroche, h.duree_moyenne_min) == (1.0, 1.0)
    assert h.part_transferts == pytest.approx(1 / 3)
    assert appels.hypotheses(ctx, 0.9, 2, 0.4) == appels.Hypotheses(0.9, 2.0, 0.4)


def test_the_prose_figures_are_the_reference_years_ratio_and_the_change_since_the_first_year():
    t = pd.DataFrame({"annee": [2023, 2025], "appels_recus": [134_702, 98_953], "appels_perdus": [31_916, 18_679]})
    vus = {c["figure_id"]: c["value"] for c in appels.chiffres_prose(t, t.iloc[-1])}
    # by hand: 98 953 / 18 679 = 5.2975… ; 98 953 / 134 702 − 1 = −0.26539…
    assert vus["appels.2025.recus_par_perdu"] == pytest.approx(98_953 / 18_679) == pytest.approx(5.29755, abs=1e-5)
    assert vus["appels.2025.evolution_recus_depuis_2023"] == pytest.approx(-0.265393, abs=1e-6)
