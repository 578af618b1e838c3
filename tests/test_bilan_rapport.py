"""The bilan through the real runner, in a copied repository: hand-built trial file, questionnaire and grid where
each state word is reached; secrecy carried over; a source that fails; a correspondence naming an unknown figure;
a rerun of `appels` redoing the bilan in the same run. One run of the four reports, then short runs of two."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
from conftest import cli, copier_depot
from statsmodels.stats.proportion import proportion_confint
from test_precision import marques

# one worker: the module fixture `essai` (four reports run) is built once, not once per worker
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("bilan_essai")]

# Two trial months, computed by hand (see test_appels_essai.PETIT):
#   agent rate = (50 + 120) / (50 + 120 + 10 + 20) = 170 / 200 = 85 %  → « au moins 85 % » : atteint
#   global rate = (300 − 30) / 300 = 90 %                             → « au moins 100 % » : pas atteint
ESSAI = ("periode,appels_recus,appels_perdus,appels_repondus,appels_callbot,resolus_callbot,abandons_callbot,"
         "transferts_agent,appels_hors_horaires,attente_moyenne_s\n"
         "2025-04,90,30,60,,,,,,\n"
         "2025-05,110,10,100,,,,,,\n"
         "2026-04,100,10,50,100,30,10,60,5,300\n"
         "2026-05,200,20,120,180,40,20,120,15,120\n")

# Ten residents: ia_comprise 7 oui / 3 non (p = 0,7; Wilson 95 % ≈ 40 %–89 %, straddles 75 % → incertain);
# agent_joint asked by 3 only (below the threshold of 5: retours publishes only its count, bilan nothing of it).
_LIGNES = [
    # reponse_obtenue, agent_joint, ia_comprise, satisfaction, rappellerait
    ("oui", "oui", "oui", "4", "oui"), ("oui", "non", "oui", "4", "oui"), ("oui", "oui", "oui", "4", "oui"),
    ("oui", "pas demandé", "oui", "4", "oui"), ("oui", "pas demandé", "oui", "4", "oui"),
    ("oui", "pas demandé", "oui", "4", "non"), ("non", "pas demandé", "oui", "4", "non"),
    ("non", "pas demandé", "non", "4", "non"), ("non", "pas demandé", "non", "2", "non"),
    ("non", "pas demandé", "non", "2", "non"),
]
QUESTIONNAIRE = ("date,canal,motif,reponse_obtenue,agent_joint,ia_comprise,satisfaction,rappellerait,tranche_age,"
                 "commentaire\n") + "".join(
    f"2026-04-{i + 1:02d},téléphone,état civil,{a},{b},{c},{d},{e},30 à 59 ans,\n"
    for i, (a, b, c, d, e) in enumerate(_LIGNES))

# Five members: every criterion scored 2, « fiabilite » 1 (median 1: a blocking point).
GRILLE = ("repondant,usage,coherence,impact_metiers,vie_privee,transparence,fiabilite,environnement,gouvernance\n"
          + "".join(f"Membre {k},2,2,2,2,2,1,2,2\n" for k in range(1, 6)))

CORRESPONDANCES = (
    "critere,question,identifiant_chiffre,objectif,sens,source_objectif\n"
    "usage,Le service décroche-t-il mieux ?,appels.{annee}.taux_decroche_global,1,au moins,diapositive\n"
    "usage,Le service décroche-t-il mieux ?,appels.{annee}.taux_decroche_agent,0.85,au moins,Plan téléphone\n"
    "transparence,Savent-ils qu'ils parlent à une IA ?,retours.ia_comprise.oui,0.75,au moins,niveau du Conseil\n"
    "transparence,Joignent-ils un agent ?,retours.agent_joint.oui,,,\n"
    "fiabilite,Résolues sans rappel ?,appels.{annee}.resolus_sans_rappel_24h,0.9,au moins,niveau du Conseil\n"
    "usage,Obtiennent-ils une réponse ?,retours.reponse_obtenue.oui,,,\n")


def _ecrire(root: Path, nom: str, texte: str) -> str:
    p = root / "essai" / nom
    p.parent.mkdir(exist_ok=True)
    p.write_text(texte, encoding="utf-8")
    return f"essai/{nom}"


def _params(root: Path) -> list[str]:
    return ["-p", f"appels.donnees={_ecrire(root, 'appels.csv', ESSAI)}",
            "-p", f"retours.donnees={_ecrire(root, 'retours.csv', QUESTIONNAIRE)}",
            "-p", f"grille.notes={_ecrire(root, 'notes.csv', GRILLE)}",
            "-p", f"bilan.correspondances={_ecrire(root, 'corr.csv', CORRESPONDANCES)}"]


def _espaces(texte: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", texte)


def _figures(root: Path) -> dict[str, dict]:
    with (root / "data/processed/figures.csv").open(encoding="utf-8") as fh:
        return {r["figure_id"]: r for r in csv.DictReader(fh)}


def _en_bref(root: Path) -> dict[str, dict]:
    with (root / "data/processed/bilan/en_bref.csv").open(encoding="utf-8") as fh:
        return {r["indicateur"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def essai(tmp_path_factory) -> Path:
    root = copier_depot(tmp_path_factory.mktemp("bilan"))
    # recorded (no --essai): the later runs of one report find the others up to date
    res = cli(root, "run", "appels", "grille", "retours", "bilan", *_params(root), timeout=900)
    assert res.returncode == 0, res.stdout + res.stderr
    return root


def test_each_state_word_is_reached(essai):
    rows = {_espaces(r["question"] + " " + r["objectif"]): r["etat"] for r in _en_bref(essai).values()}
    assert rows["Le service décroche-t-il mieux ? au moins 85 %"] == "atteint"  # 170 / 200 = 85 %
    assert rows["Le service décroche-t-il mieux ? au moins 100 %"] == "pas atteint"  # 270 / 300 = 90 %
    assert rows["Savent-ils qu'ils parlent à une IA ? au moins 75 %"] == "incertain"
    assert rows["Résolues sans rappel ? au moins 90 %"] == "non mesurable"
    fig = _figures(essai)
    assert [float(fig[f"bilan.objectifs.{k}"]["value"]) for k in
            ("atteints", "pas_atteints", "incertains", "non_mesurables")] == [1, 1, 1, 1]
    # the interval the bilan shows is statsmodels' Wilson interval of 7 / 10, rounded outward
    bas, haut = proportion_confint(7, 10, alpha=0.05, method="wilson")
    assert bas < 0.75 < haut
    ligne = next(r for r in _en_bref(essai).values() if r["question"].startswith("Savent"))
    attendu = f"entre {math.floor(bas * 100)} % et {math.ceil(haut * 100)} % (7 sur 10 réponses)"
    assert _espaces(ligne["incertitude"]) == attendu


def test_sample_sizes_computed_by_hand(essai):
    fig = _figures(essai)
    # reponse_obtenue 6 / 10: 1,96² · 0,6 · 0,4 / 0,01 = 92,19… → 93; ia_comprise 7 / 10: 3,8416 · 0,21 / 0,01
    # = 80,67… → 81
    assert float(fig["bilan.retours.reponses_pour_10_points"]["value"]) == 93
    assert float(fig["bilan.retours.ia_comprise.oui.reponses_pour_10_points"]["value"]) == 81
    page = (essai / "reports/bilan.html").read_text(encoding="utf-8")
    assert re.search(r"il faudrait\s+environ\s+<span data-chiffre=\"bilan.retours.reponses_pour_10_points\">93</span>"
                     r"\s+réponses\s+;\s+il y en a\s+10", page)


def test_secrecy_is_carried_over(essai):
    fig = _figures(essai)
    assert "retours.agent_joint.oui" not in fig  # retours did not publish it (3 answers < 5)
    page = (essai / "reports/bilan.html").read_text(encoding="utf-8")
    assert "retours.agent_joint.oui" not in marques(page)
    assert not any(k.startswith("bilan.retours.agent_joint") for k in fig)
    assert _en_bref(essai)["retours.agent_joint.oui"]["valeur"] == "—"


def test_bilan_figures_read_as_their_sources(essai):
    page = marques((essai / "reports/bilan.html").read_text(encoding="utf-8"))
    sources = {i: marques((essai / f"reports/{i}.html").read_text(encoding="utf-8"))
               for i in ("appels", "retours", "grille")}
    publies = {i: json.loads((essai / f"build/publies/{i}.json").read_text(encoding="utf-8"))["textes"]
               for i in sources}
    compares = 0
    for fid, textes in page.items():
        src = fid.split(".", 1)[0]
        if src in sources:  # a source's figure: the text its page shows (or would show) for that id
            assert textes[0] == _espaces(publies[src][fid]).strip(), fid
            if fid in sources[src]:
                assert textes[0] == sources[src][fid][0], fid
                compares += 1
    assert compares >= 4 and len([f for f in page if not f.startswith("bilan.")]) >= 10
    assert page["appels.2026.taux_decroche_agent"][0] == "85 %"  # marques() normalises the spaces


def test_blocking_point_and_fictitious_banner(essai):
    page = (essai / "reports/bilan.html").read_text(encoding="utf-8")
    assert "point bloquant" in page  # fiabilite: median 1
    # none of the sources used a fictitious example in this run: no banner
    assert "Données fictives" not in page


def test_rerun_of_a_source_redoes_bilan_then_a_failure_shows_nothing_stale(essai, tmp_path):
    import shutil

    root = tmp_path / "copie"
    shutil.copytree(essai, root)
    avant = json.loads((root / "build/publies/appels.json").read_text(encoding="utf-8"))
    # another trial file: appels and bilan are redone in the same run, the others are not
    autre = _ecrire(root, "appels2.csv", ESSAI.replace("2026-05,200,20,120", "2026-05,200,40,100"))
    res = cli(root, "run", "appels", "--essai", "-p", f"donnees={autre}")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "bilan : fait" in res.stdout, res.stdout
    assert "grille : inchangé" in res.stdout, res.stdout
    apres = json.loads((root / "build/publies/appels.json").read_text(encoding="utf-8"))
    assert apres["date_iso"] >= avant["date_iso"] and apres["entrees"] != avant["entrees"]
    # agent rate now (50 + 100) / (50 + 100 + 10 + 40) = 150 / 200 = 75 % : « pas atteint »
    row = next(r for r in _en_bref(root).values() if _espaces(r["objectif"]).endswith("85 %"))
    assert row["etat"] == "pas atteint"
    # a failing source: bilan names it and shows nothing of it
    casse = _ecrire(root, "casse.csv", "periode,appels_recus\n2026-04,abc\n")
    res = cli(root, "run", "appels", "--essai", "-p", f"donnees={casse}")
    assert res.returncode == 1
    assert "bilan : fait" in res.stdout
    page = (root / "reports/bilan.html").read_text(encoding="utf-8")
    assert "Rapports sources indisponibles" in page and "(appels)" in page
    assert not any(k.startswith("appels.") for k in marques(page))
    assert _en_bref(root)["appels.2026.taux_decroche_agent"]["etat"] == "non mesurable"


def test_a_correspondence_naming_an_unknown_figure_is_refused(essai, tmp_path):
    import shutil

    root = tmp_path / "copie"
    shutil.copytree(essai, root)
    corr = _ecrire(root, "corr_mauvais.csv", CORRESPONDANCES + "usage,Q ?,appels.{annee}.inconnu.de.tous,,,\n")
    res = cli(root, "run", "bilan", "--essai", "-p", f"correspondances={corr}")
    assert res.returncode == 1
    sortie = res.stdout + res.stderr
    assert "corr_mauvais.csv" in sortie and "ligne 8" in sortie and "identifiant_chiffre" in sortie


def test_a_source_wholly_below_its_secrecy_threshold_shows_nothing_of_it(essai, tmp_path):
    import shutil

    root = tmp_path / "copie"
    shutil.copytree(essai, root)
    # ten residents, threshold 50: retours publishes only their number; bilan is redone in the same run
    res = cli(root, "run", "retours", "--essai", "-p", "seuil_publication=50")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "retours : fait" in res.stdout and "bilan : fait" in res.stdout, res.stdout
    assert "appels : inchangé" in res.stdout and "grille : inchangé" in res.stdout, res.stdout
    fig = _figures(root)
    assert sorted(k for k in fig if k.startswith("retours.")) == ["retours.repondants"]
    assert float(fig["retours.repondants"]["value"]) == 10
    assert not any(k.startswith("bilan.retours.") for k in fig)  # no sample size: it would give each share back
    page = (root / "reports/bilan.html").read_text(encoding="utf-8")
    assert [k for k in marques(page) if k.startswith("retours.")] == ["retours.repondants"]
    texte = _espaces(re.sub(r"<[^>]+>", " ", page))
    # the shares of the ten answers, by hand: reponse_obtenue 6 / 10, ia_comprise 7 / 10, satisfied 7 / 10 (4 or
    # more), and ia_comprise's Wilson interval — none of them is on the bilan's page (90 % is appels' global rate)
    bas, _ = proportion_confint(7, 10, alpha=0.05, method="wilson")
    for absent in ("60 %", "70 %", "sur 10 réponses", f"entre {math.floor(bas * 100)} %"):
        assert absent not in texte, absent
    assert "en dessous du seuil" in texte
    rows = _en_bref(root)
    for fid in ("retours.ia_comprise.oui", "retours.reponse_obtenue.oui", "retours.agent_joint.oui"):
        assert rows[fid]["valeur"] == "—" and rows[fid]["incertitude"].startswith("non mesurable"), fid
    assert rows["retours.ia_comprise.oui"]["etat"] == "non mesurable"
