"""The bilan's pure functions: state words, sample sizes, the correspondences and questions registers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cln_analysis import bilan, config


def test_etat_each_word():
    # one met, one not, one straddling (interval holds the objective), one unmeasurable, one without objective
    assert bilan.etat(0.90, 0.85) == "atteint"
    assert bilan.etat(0.80, 0.85) == "pas atteint"
    assert bilan.etat(0.80, 0.85, bas=0.70, haut=0.88) == "incertain"
    assert bilan.etat(None, 0.85) == "non mesurable"
    assert bilan.etat(0.80, None) is None
    # « au plus »: a share of long waits must stay below its objective
    assert bilan.etat(0.05, 0.10, sens="au plus") == "atteint"
    assert bilan.etat(0.15, 0.10, sens="au plus") == "pas atteint"
    # the value is compared at full precision: 84,96 % shows « 85 % » but does not reach 85 %
    assert bilan.etat(0.8496, 0.85) == "pas atteint"


def test_sample_size_by_hand():
    # 19 of 35 residents got an answer: p = 19/35; n = 1,96² · p(1−p) / 0,1² = 3,8416 · 19·16/35² / 0,01
    # = 3,8416 · 304 / 1225 / 0,01 = 95,33… → 96 (the issue's own example: « environ 96 réponses ; il y en a 35 »)
    assert bilan.reponses_pour_precision(19, 35) == 96
    # p = 1/2: 3,8416 · 0,25 / 0,01 = 96,04 → 97
    assert bilan.reponses_pour_precision(1, 2) == 97
    # p = 1/5 and a half-width where the product is a whole number: 1,96² · 0,16 / 0,28² = 3,8416·0,16/0,0784 = 7,84
    # → 8; and 1,96² · (1/2)(1/2) / 0,196² = 25 exactly — no float noise pushes it to 26
    from fractions import Fraction
    assert bilan.reponses_pour_precision(1, 5, Fraction(28, 100)) == 8
    assert bilan.reponses_pour_precision(1, 2, Fraction(196, 1000)) == 25
    with pytest.raises(ValueError):
        bilan.reponses_pour_precision(0, 0)


def test_sample_size_against_statsmodels():
    from statsmodels.stats.proportion import samplesize_confint_proportion

    for k, n in [(19, 35), (8, 13), (30, 35), (19, 36), (22, 36), (3, 40)]:
        # statsmodels uses z = 1,95996…, the method 1,96: the rounded-up sizes agree on these shares
        attendu = math.ceil(samplesize_confint_proportion(k / n, 0.10, alpha=0.05))
        assert bilan.reponses_pour_precision(k, n) == attendu


def _corr(**over):
    row = dict(critere="usage", question="Q ?", identifiant_chiffre="appels.{annee}.taux_decroche_agent",
               objectif="0.85", sens="au moins", source_objectif="Plan téléphone")
    row.update(over)
    return pd.DataFrame([row])


MOTIFS = ["appels.*.taux_decroche_agent", "appels.*.taux_decroche_global", "retours.*"]


def test_correspondences_refuse_unknown_figure_and_criterion():
    criteres = {"usage", "transparence"}
    assert bilan.verifier_correspondances(_corr(), criteres, MOTIFS, 2026, "c.csv") == []
    (p,) = bilan.verifier_correspondances(_corr(identifiant_chiffre="appels.{annee}.inconnu"), criteres, MOTIFS,
                                          2026, "c.csv")
    assert (p.fichier, p.ligne, p.colonne) == ("c.csv", 2, "identifiant_chiffre")
    assert "appels.{annee}.inconnu" in p.message
    (p,) = bilan.verifier_correspondances(_corr(critere="inconnu"), criteres, MOTIFS, 2026, "c.csv")
    assert (p.ligne, p.colonne) == (2, "critere")
    (p,) = bilan.verifier_correspondances(_corr(sens="plus"), criteres, MOTIFS, 2026, "c.csv")
    assert p.colonne == "sens"


def test_indicators_absent_in_this_run_are_unmeasurable():
    figures = pd.DataFrame([
        dict(figure_id="retours.agent_joint.oui", report="retours", value=8 / 13),
    ])
    parts = pd.DataFrame([dict(indicateur="agent_joint.oui", favorables=8, reponses_donnees=13,
                               ic_bas=0.355228915126657, ic_haut=0.8229029220223743)])
    corr = pd.concat([
        _corr(),  # the agent rate of 2026: no trial months in this run
        _corr(critere="transparence", identifiant_chiffre="retours.agent_joint.oui", objectif="0.75"),
        _corr(critere="transparence", identifiant_chiffre="retours.agent_joint.oui", objectif="0.30"),
        _corr(critere="transparence", identifiant_chiffre="retours.agent_joint.oui", objectif=""),
    ], ignore_index=True)
    inds = bilan.indicateurs(corr, figures, parts, 2026)
    assert inds[0].figure_id == "appels.2026.taux_decroche_agent"
    assert [i.etat for i in inds] == ["non mesurable", "incertain", "atteint", None]
    assert (inds[1].favorables, inds[1].reponses) == (8, 13)
    d = bilan.decompter(inds)
    assert (d.atteints, d.pas_atteints, d.incertains, d.non_mesurables) == (1, 0, 1, 1)


def test_shipped_registers_are_valid():
    questions = pd.read_csv(config.raw_file("callbot_questions.csv"), dtype=str, keep_default_na=False)
    criteres = set(pd.read_csv(config.raw_file("grille_criteres.csv"))["critere"])
    assert bilan.verifier_questions(questions, criteres, "callbot_questions.csv") == []
    # every question of the minutes' « Saisine applicative » (16) and the slides' four technical points
    assert len(questions) == 20 and questions["identifiant"].is_unique
    q = bilan.compter_questions(questions)
    assert q.total == q.repondues + q.partielles + q.sans_reponse
    # the minutes record five « Réponse apportée »: OpenAI, Azure West Europe, Orange Business, the CLN, investment
    repondues = set(questions.loc[questions["statut"] == "répondue", "identifiant"])
    assert repondues == {"technologie", "hebergement", "prestataire", "association_usagers", "nature_budget"}
    corr = pd.read_csv(config.raw_file("bilan_correspondances.csv"), dtype=str, keep_default_na=False)
    assert set(corr["critere"]) <= criteres


def test_questions_register_refusals():
    base = dict(identifiant="q", question="Q ?", auteur="CLN", document="CR", emplacement="p. 4", reponse="",
                source_reponse="", statut="sans réponse", critere="usage")
    bad = pd.DataFrame([
        {**base, "statut": "peut-être"},
        {**base, "statut": "répondue"},
        {**base, "reponse": "Oui", "source_reponse": "CR p. 4"},
        {**base, "reponse": "Oui", "statut": "répondue"},
    ])
    probs = bilan.verifier_questions(bad, {"usage"}, "q.csv")
    assert [(p.ligne, p.colonne) for p in probs] == [(2, "statut"), (3, "reponse"), (4, "statut"),
                                                     (5, "source_reponse")]


# ---------------------------------------------------------------- the dossier from what the sources published
def _source(i, figures, tableaux=None, ok=True, fictif=False):
    from cln_analysis import publies
    from cln_analysis.sorties import LigneFigure, Publie

    lignes = [LigneFigure(fid, i, fid, v, "ratio", "", "", "unpublished") for fid, v in figures.items()]
    pub = Publie(i, "ok" if ok else "echec", textes={fid: f"{round(v * 100)} %" for fid, v in figures.items()},
                 figures=lignes if ok else [], fictif=fictif)
    df = pd.DataFrame([x.ligne() for x in lignes]) if ok else pd.DataFrame(columns=["figure_id", "report", "value"])
    return publies.Source(i, i, pub, df, tableaux or {} if ok else {})


def _sources(appels_ok=True):
    from cln_analysis import publies

    parts = pd.DataFrame([dict(indicateur="ia_comprise.oui", favorables=7, reponses_donnees=10,
                               ic_bas=0.3967781, ic_haut=0.8922087)])
    return publies.Sources({
        "appels": _source("appels", {"appels.2026.taux_decroche_agent": 0.85, "appels.2026.taux_decroche_global": 0.9},
                          ok=appels_ok),
        "retours": _source("retours", {"retours.ia_comprise.oui": 0.7}, {"parts_principales": parts}, fictif=True),
        "grille": _source("grille", {}, {"statistiques": pd.DataFrame([dict(critere="usage", mediane=1.0)])}),
    })


def _corr_essai():
    return pd.concat([
        _corr(identifiant_chiffre="appels.{annee}.taux_decroche_global", objectif="1"),
        _corr(),  # agent rate, 85 %
        _corr(critere="transparence", identifiant_chiffre="retours.ia_comprise.oui", objectif="0.75"),
        _corr(identifiant_chiffre="appels.{annee}.resolus_sans_rappel_24h", objectif="0.9"),
    ], ignore_index=True)


def _questions():
    return pd.read_csv(config.raw_file("callbot_questions.csv"), dtype=str, keep_default_na=False)


def _criteres_grille():
    return pd.read_csv(config.raw_file("grille_criteres.csv"))


def test_assemble_reaches_each_state_word_and_crosses_the_criteria():
    b = bilan.assembler(_sources(), _corr_essai(), _questions(), _criteres_grille(), 2026)
    assert [i.etat for i in b.indicateurs] == ["pas atteint", "atteint", "incertain", "non mesurable"]
    assert (b.decompte.atteints, b.decompte.pas_atteints, b.decompte.incertains, b.decompte.non_mesurables) == (
        1, 1, 1, 1)
    usage = next(c for c in b.criteres if c.critere == "usage")
    assert usage.mediane == 1.0 and usage.bloquant and len(usage.indicateurs) == 3
    # sample size of 7 / 10 by hand: 3,8416 · 0,21 / 0,01 = 80,67… → 81
    assert [(e.figure_id, e.reponses, e.necessaires) for e in b.echantillons] == [("retours.ia_comprise.oui", 10, 81)]


def test_a_failed_source_hands_out_nothing():
    s = _sources(appels_ok=False)
    assert [x.id for x in s.en_echec] == ["appels"]
    assert s.texte("appels.2026.taux_decroche_agent") is None
    b = bilan.assembler(s, _corr_essai(), _questions(), _criteres_grille(), 2026)
    assert [i.etat for i in b.indicateurs] == ["non mesurable", "non mesurable", "incertain", "non mesurable"]
    assert [x.id for x in s.fictives] == ["retours"]


def test_assemble_refuses_an_unknown_figure_with_file_row_and_column():
    from cln_analysis.erreurs import ErreurDonnees

    corr = _corr_essai()
    corr.loc[len(corr)] = dict(critere="usage", question="Q ?", identifiant_chiffre="grille.usage.inconnu.x",
                               objectif="", sens="", source_objectif="")
    corr.attrs["fichier"] = "data/raw/bilan_correspondances.csv"
    with pytest.raises(ErreurDonnees) as exc:
        bilan.assembler(_sources(), corr, _questions(), _criteres_grille(), 2026)
    (p,) = exc.value.problemes
    assert (p.fichier, p.ligne, p.colonne) == ("data/raw/bilan_correspondances.csv", 6, "identifiant_chiffre")


def test_shipped_correspondences_are_producible_by_the_sources():
    corr = pd.read_csv(config.raw_file("bilan_correspondances.csv"), dtype=str, keep_default_na=False)
    criteres = set(_criteres_grille()["critere"])
    assert bilan.verifier_correspondances(corr, criteres, bilan.motifs_sources(), 2026, "c.csv") == []
    # the patterns are the catalogue's: `*` one word — a two-word id is producible only where a pattern says so
    assert bilan.correspond_motif("appels.2026.attente.part_plus_10min", bilan.motifs_sources())
    assert not bilan.correspond_motif("appels.2026.inconnu.part_plus_10min", bilan.motifs_sources())


def test_publication_record_of_a_failure_holds_nothing(tmp_path):
    import datetime as dt
    import json

    from cln_analysis import catalogue, publication
    from cln_analysis.sorties import Publie

    quand = dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.timezone.utc)
    rec = Publie.depuis_json(json.loads(publication.publie_json(catalogue.par_id("appels"), quand, None, "cassé")))
    assert (rec.statut, rec.textes, rec.figures, rec.message) == ("echec", {}, [], "cassé")
    assert rec.date_iso == "2026-04-02T10:00:00+00:00"


def _fiche(duree="non communiqué", dates="T1 2026"):
    return pd.DataFrame([
        dict(champ="dates_essai", libelle="Dates", valeur=dates, document="Présentation" if dates else "",
             emplacement="diapositive « Calendrier »" if dates else ""),
        dict(champ="duree_essai", libelle="Durée", valeur=duree, document="" if duree == "non communiqué" else "CR",
             emplacement="" if duree == "non communiqué" else "p. 2"),
    ])


def test_trial_months_beside_the_planned_length_from_the_transparency_record():
    from types import SimpleNamespace

    from cln_analysis.textes import bilan as textes

    b = SimpleNamespace(mois_essai=2)
    # the length stated in the record: quoted with its source
    assert textes.duree_essai(b, _fiche(duree="six mois")) == (
        "<p>Mois d'expérimentation présents dans le fichier des appels : 2. Durée prévue de l'expérimentation : "
        "« six mois » (CR, p. 2).</p>")
    # not communicated (the shipped record): said so, with the dates the record gives
    assert textes.duree_essai(b, _fiche()) == (
        "<p>Mois d'expérimentation présents dans le fichier des appels : 2. La durée prévue de l'expérimentation "
        "n'est pas communiquée ; les dates annoncées sont « T1 2026 » (Présentation, diapositive « Calendrier »).</p>")
    assert "Ni la durée" in textes.duree_essai(b, _fiche(dates="non communiqué"))
    # the shipped record has the field, not communicated: no length is guessed from the calendar
    fiche = pd.read_csv(config.raw_file("callbot_fiche.csv"), dtype=str, keep_default_na=False)
    assert fiche.set_index("champ").loc["duree_essai", "valeur"] == "non communiqué"
