"""The calls report at its edges (issue 22): a year without lost calls, a trial month whose every call stayed
with the callbot, a load at or above the posts — each valid, each said in words that hold, values by hand."""

import html
import math

import pandas as pd
import pytest
from rapport_factice import RapportFactice

from cln_analysis import appels, donnees
from cln_analysis.textes import appels as textes
from cln_analysis.textes import declarer

COLS = ["periode", "appels_recus", "appels_perdus", "appels_repondus", "appels_callbot", "resolus_callbot",
        "abandons_callbot", "transferts_agent", "appels_hors_horaires", "attente_moyenne_s"]


def _table(lignes):
    df = pd.DataFrame(lignes, columns=COLS).astype({c: "Float64" for c in COLS[1:]})
    df.index = range(2, 2 + len(df))
    df.attrs["fichier"] = "bords.csv"
    return df


def _contexte(t, duree=1.0):
    h = appels.Hypotheses(1.0, duree, 1 / 3)
    return textes.Contexte(t, pd.DataFrame(), appels.derniere_annee_avant_essai(t), h, "bords.csv")


def test_a_reference_year_without_lost_calls():
    t = appels.annuel(_table([("2024", 1000, 100, 900) + (None,) * 6, ("2025", 800, 0, 800) + (None,) * 6]))
    ref = appels.derniere_annee_avant_essai(t)
    figs = {c["figure_id"]: c["value"] for c in appels.chiffres_prose(t, ref)}
    assert "appels.2025.recus_par_perdu" not in figs  # 800 / 0: no « 1 sur … »
    assert figs["appels.2025.evolution_recus_depuis_2024"] == pytest.approx(800 / 1000 - 1)
    r = RapportFactice()
    obj = appels.ecart_objectif(ref, 1.0, 250, 1.0, 1 / 3)
    declarer(r, appels.chiffres(t, obj) + appels.chiffres_prose(t, ref))
    assert r.chiffres["appels.2025.taux_decroche"] == 1.0  # 800 / (800 + 0)
    texte = html.unescape("".join(map(str, textes.essentiel(r, _contexte(t)))))
    assert "Aucun appel n'est resté sans réponse." in texte and "1 sur" not in texte


def test_a_trial_month_where_every_call_stayed_with_the_callbot():
    # 100 received = 70 resolved + 30 abandoned + 0 answered + 0 lost; callbot 100 = 70 + 30 + 0
    lignes = [(f"2025-{m:02d}", 100, 10, 90) + (None,) * 6 for m in range(1, 13)]
    t = appels.annuel(_table(lignes + [("2026-04", 100, 0, 0, 100, 70, 30, 0, 10, None)]))
    y = t.set_index("annee").loc[2026]
    assert math.isnan(y["taux_decroche_agent_essai"]) and y["taux_decroche_global_essai"] == 1.0  # (100 − 0) / 100
    ref = appels.derniere_annee_avant_essai(t)
    figs = {c["figure_id"]: c["value"] for c in appels.chiffres(t, appels.ecart_objectif(ref, 1.0, 250, 1.0, 1 / 3))}
    assert "appels.2026.taux_decroche" not in figs and "appels.2026.taux_decroche_agent_essai" not in figs
    assert figs["appels.2026.taux_decroche_global"] == 1.0 and figs["appels.2026.abandons_callbot"] == 30
    buts = appels.verdicts(t, ref, 1.0, 15, 10, 1 / 3).set_index("objectif")
    row = buts.loc["100 % des appels décrochés"]
    assert row["verdict"] == "pas atteint"  # a global 100 % is not enough without an agent rate
    assert "non calculé (aucun appel n'est arrivé aux agents)" in row["mesure"]
    assert "dont 30 usagers qui ont raccroché pendant le callbot" in row["mesure"]
    r = RapportFactice()
    declarer(r, appels.chiffres(t, appels.ecart_objectif(ref, 1.0, 250, 1.0, 1 / 3)))
    texte = "".join(map(str, textes.essai(r, _contexte(t))))
    assert "aucun appel n'est arrivé aux agents" in texte and "taux_decroche_agent_essai" not in texte


def test_a_load_at_or_above_the_posts_is_said_unstable():
    t = appels.annuel(donnees.charger("appels_standard"))
    ref = appels.derniere_annee_avant_essai(t)
    coh = appels.coherence(ref, 10, 250, 8, 15)
    # by hand: (80 274 + 18 679) calls × 15 min / (250 × 8 × 60 min) = 1 484 295 / 120 000 = 12,369 erlangs ≥ 10
    assert coh.charge_erlangs == pytest.approx(98953 * 15 / 120_000) and coh.charge_erlangs > 10
    assert math.isinf(coh.attente_predite_s)
    r = RapportFactice()
    declarer(r, appels.chiffres_coherence(coh) + appels.chiffres(t, appels.ecart_objectif(ref, 1.0, 250, 15, 1 / 3)))
    texte = "".join(map(str, textes.charge(r, _contexte(t, 15.0), coh, 10, 250, 8)))
    assert "instable" in texte and "s'allonge" in texte
    for faux in ("sans limite", "agent occupé", "ne s'expliquent donc pas", "occupation_postes"):
        assert faux not in texte
    assert appels.COLONNES["attente_predite_s"].format(math.inf).startswith("Non définie : file instable")


def test_a_load_below_the_posts_keeps_its_reading():
    t = appels.annuel(donnees.charger("appels_standard"))
    ref = appels.derniere_annee_avant_essai(t)
    coh = appels.coherence(ref, 10, 250, 8, 1)
    r = RapportFactice()
    declarer(r, appels.chiffres_coherence(coh) + appels.chiffres(t, appels.ecart_objectif(ref, 1.0, 250, 1, 1 / 3)))
    texte = "".join(map(str, textes.charge(r, _contexte(t), coh, 10, 250, 8)))
    assert "ne s'expliquent donc pas par la charge moyenne" in texte and "instable" not in texte
