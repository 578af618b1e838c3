"""End to end: the reports run through the officer's runner; what it wrote is read back."""

import csv
import io
import json
import re

import pytest
from conftest import cli

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"


def _figures(root):
    return {
        r["figure_id"]: r
        for r in csv.DictReader(io.StringIO((root / "data/processed/figures.csv").read_text(encoding="utf-8")))
    }


def test_budget_report_reproduces_the_slide(depot_produit):
    html = (depot_produit / "reports/budget.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert re.search(r"<title>La part du budget municipal consacrée au numérique en 2025[^<]*</title>", html)
    assert html.count("<h1>") == 1
    for shown in (
        f"7,3{NBSP}%",
        f"2,8{NBSP}%",
        f"3,7{NBSP}%",
        f"40,4{NBSP}%",
        f"59,6{NBSP}%",
        f"3,3{NBSP}%",
        "3\u202f058\u202f244",
        "76,05",
    ):
        assert shown in html, shown
    assert "Traçabilité" in html and "Hypothèses et limites" in html and "SHA-256" in html
    assert "<code>" not in html  # no code in the public page
    assert "import " not in html


def test_every_input_says_how_it_was_read(depot_produit):
    """The audit page's « Lu comme » for every file every report read: the grid's notes and the register too
    (recorded before they were read, they once showed nothing), and what bilan reads of its sources."""
    etat = json.loads((depot_produit / "build/etat.json").read_text(encoding="utf-8"))
    vides = [(rid, e["chemin"]) for rid, v in etat.items() for e in v["entrees"] if not e["lecture"]]
    assert vides == []
    lus = {(rid, e["chemin"]): e["lecture"] for rid, v in etat.items() for e in v["entrees"]}
    assert lus["grille", "data/raw/grille_notes_exemple.csv"] == "CSV UTF-8, séparateur virgule"
    assert lus["budget", "data/raw/chiffres_publies.csv"] == "CSV UTF-8, séparateur virgule"
    assert lus["bilan", "build/publies/grille.json"].startswith("JSON UTF-8")
    audit = (depot_produit / "reports/audit/grille.html").read_text(encoding="utf-8")
    assert re.search(r'grille_notes_exemple\.csv</th><td[^>]*>[^<]+</td><td[^>]*data-label="Lu comme">CSV UTF-8',
                     audit)


def test_figures_csv_has_every_budget_id_and_status(depot_produit):
    figs = _figures(depot_produit)
    expected_match = [
        "investissement.numerique",
        "investissement.total",
        "investissement.part",
        "fonctionnement.numerique",
        "fonctionnement.total",
        "fonctionnement.part",
        "total.numerique",
        "total.total",
        "total.part",
        "investissement.poids_numerique",
        "fonctionnement.poids_numerique",
        "investissement.poids_total",
        "fonctionnement.poids_total",
    ]
    for k in expected_match:
        assert figs[f"budget.2025.{k}"]["status"] == "match", k
    for k in ("total.part_budget_primitif", "numerique_par_habitant"):
        assert figs[f"budget.2025.{k}"]["status"] == "unpublished"
    text = (depot_produit / "data/processed/figures.csv").read_text(encoding="utf-8")
    ids = [l.split(",")[0] for l in text.splitlines()[1:]]
    assert ids == sorted(ids)
    assert text.splitlines()[0] == "figure_id,report,label,value,unit,formula,published,status"


def test_tables_behind_the_charts_are_written(depot_produit):
    parts = (depot_produit / "data/processed/budget/parts_par_section.csv").read_text(encoding="utf-8").splitlines()
    assert parts[0] == "section,budget_numerique,budget_total,part_numerique,poids_dans_numerique,poids_dans_total"
    assert parts[1].startswith("investissement,3058244,41801894,")


def test_audit_page_has_code_parameters_and_notebook(depot_produit):
    audit = (depot_produit / "reports/audit/budget.html").read_text(encoding="utf-8")
    assert "Paramètres de cette exécution" in audit and "budget.parts(" in audit
    nb = json.loads((depot_produit / "reports/notebooks/budget.ipynb").read_text(encoding="utf-8"))
    assert "papermill" in nb["metadata"] and nb["metadata"]["kernelspec"]["name"] == "python3"


def test_pages_request_nothing_from_another_host(depot_produit):
    for page in ["index.html", "budget.html", "audit/budget.html"]:
        html = (depot_produit / "reports" / page).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), page
        assert "<script" not in html and "require.js" not in html and "mathjax" not in html.lower()


def test_every_chart_has_a_french_alternative(depot_produit):
    html = (depot_produit / "reports/budget.html").read_text(encoding="utf-8")
    images = re.findall(r'<div [^>]*class="graphique-image"[^>]*>', html)
    assert all('role="img"' in d for d in images)
    alts = [re.search(r'aria-label="([^"]*)"', d).group(1) for d in images]
    assert len(alts) == len(re.findall(r'<figure class="graphique"', html)) >= 2
    assert "<img" not in html and len(re.findall(r"<svg ", html)) == len(alts)  # one drawing per chart, every screen
    assert all(a.startswith("Diagramme") and len(a) > 40 for a in alts)
    assert "Image" not in " ".join(alts) and "No description" not in html


def test_population_parameter_changes_only_the_per_inhabitant_figure(depot_copie):
    depot = depot_copie  # every report already produced with the default parameters
    before = _figures(depot)
    res = cli(depot, "run", "budget", "-p", "population=100000")
    assert res.returncode == 0, res.stderr
    after = _figures(depot)
    changed = {k for k in before if before[k] != after[k]}
    # the per-inhabitant figure, and the population the page prints (a declared figure since issue 21)
    assert changed == {"budget.2025.numerique_par_habitant", "budget.2025.population"}
    assert float(after["budget.2025.population"]["value"]) == 100_000
    assert round(float(after["budget.2025.numerique_par_habitant"]["value"]), 2) == 75.67
    assert "75,67" in (depot / "reports/budget.html").read_text(encoding="utf-8")


def test_index_links_every_report(depot_produit):
    index = (depot_produit / "reports/index.html").read_text(encoding="utf-8")
    assert 'href="budget.html"' in index and 'href="audit/budget.html"' in index
    assert 'href="donnees/figures.csv"' in index and (depot_produit / "reports/donnees/figures.csv").exists()


def test_cvs_report_answers_the_councils_questions(depot_produit):
    html = (depot_produit / "reports/cvs.html").read_text(encoding="utf-8")
    for shown in (
        "269\u202f045",
        f"80,1{NBSP}%",
        f"67{NBSP}%",
        f"33{NBSP}%",
        f"\u22122,9{NBSP}%",
        "53\u202f809",
        "134\u202f522,50",
        "Icièlà",
        "Secours Populaire",
        "Quel est le budget dédié aux écrivains publics",
    ):
        assert shown in html, shown
    assert "parts de la Ville et de l&#39;État réunies" in html  # the assumption on what 269 045 € covers
    figs = _figures(depot_produit)
    assert "cvs.2025.part_ville" not in figs
    assert {figs[f"cvs.2025.part_ville.{b}"]["value"] for b in ("min", "max")} == {"53809", "134522.5"}


def test_cvs_with_a_share_of_new_projects(depot):
    res = cli(depot, "run", "cvs", "-p", "part_nouveaux=0.5")
    assert res.returncode == 0, res.stderr
    assert float(_figures(depot)["cvs.2025.part_ville"]["value"]) == pytest.approx(269045 * 0.35)
    res = cli(depot, "run", "cvs", "-p", "part_nouveaux=1.5")
    assert res.returncode == 2 and "doit être au plus 1" in res.stderr  # a usage error, before any kernel


def test_cvs_with_a_project_file_that_does_not_add_up(depot):
    rows = ["porteur,projet,categorie,statut,montant_sollicite,montant_attribue"]
    rows += [f"EP{i},Écrivain public,ecrivains_publics,reconduit,30000,22580" for i in range(8)]
    rows += [f"A{i},Médiation,autres,nouveau,10000,6800" for i in range(13)]
    (depot / "projets.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = cli(depot, "run", "cvs", "-p", "projets=projets.csv")
    assert res.returncode == 1
    assert "projets.csv, colonne « categorie » : catégorie « ecrivains_publics »" in res.stderr


@pytest.mark.rapports("appels")
def test_calls_report_and_a_monthly_trial_file(depot_produit, depot):
    html = (depot_produit / "reports/appels.html").read_text(encoding="utf-8")
    for shown in (
        f"76{NBSP}%",
        f"83{NBSP}%",
        f"81{NBSP}%",
        "18\u202f679",
        "74,7",
        "rendez-vous en ligne (CNI, passeport)",
    ):
        assert shown in html, shown
    (depot / "mois.csv").write_text(
        "periode,appels_recus,appels_perdus,appels_repondus\n2025,98953,18679,80274\n"
        "2025-03,9000,2000,7000\n2026-03,8000,400,7600\n2026-04,7900,300,7600\n"
    )
    res = cli(depot, "run", "appels", "-p", "donnees=mois.csv")
    assert res.returncode == 1 and "donnée deux fois" in res.stderr  # 2025 as a year and as one month
    (depot / "mois.csv").write_text(
        "periode,appels_recus,appels_perdus,appels_repondus\n2025,98953,18679,80274\n"
        "2026-03,8000,400,7600\n2026-04,7900,300,7600\n"
    )
    assert cli(depot, "run", "appels", "-p", "donnees=mois.csv").returncode == 0
    figs = _figures(depot)
    assert (
        figs["appels.2026.recus"]["value"] == "15900" and "(mars et avril 2026)" in figs["appels.2026.recus"]["label"]
    )
    assert "appels.2026.evolution_recus" not in figs and "appels.2025.ecart_objectif" in figs
    html = (depot / "reports/appels.html").read_text(encoding="utf-8")
    assert (
        "Courbes du taux de décroché par mois" in html
        and (depot / "data/processed/appels/appels_par_mois.csv").exists()
    )


def test_grid_report_with_the_fictitious_example(depot_produit):
    html = (depot_produit / "reports/grille.html").read_text(encoding="utf-8")
    assert "Données fictives" in html and "Points bloquants" in html
    assert "Diagramme en barres divergentes" in html and "Radar des notes médianes" in html
    assert "sa surface ne mesure rien" in html
    figs = _figures(depot_produit)
    assert figs["grille.repondants"]["value"] == "12" and figs["grille.transparence.abstentions"]["value"] == "6"
    assert all(r["status"] == "unpublished" for k, r in figs.items() if k.startswith("grille."))


@pytest.mark.rapports("grille")
def test_fictitious_banner_follows_the_file_not_the_spelling(depot):
    example = depot / "data/raw/grille_notes_exemple.csv"
    assert cli(depot, "run", "grille", "-p", f"notes={example}").returncode == 0
    assert "Données fictives" in (depot / "reports/grille.html").read_text(encoding="utf-8")
    real = depot / "notes.csv"
    real.write_bytes(example.read_bytes())
    assert cli(depot, "run", "grille", "-p", "notes=notes.csv").returncode == 0
    assert "Données fictives" not in (depot / "reports/grille.html").read_text(encoding="utf-8")


def test_nbclient_waits_for_a_large_output_as_long_as_the_runner_says(monkeypatch):
    """papermill hands the runner's IOPub wait to nbclient (its own default, 4 s, fails a multi-megabyte
    `rapport.publier()` display on a loaded machine)."""
    from papermill import engines

    from cln_analysis import catalogue, executeur

    vus = []

    class Client(engines.PapermillNotebookClient):
        def execute(self, **kw):
            vus.append(self.iopub_timeout)
            raise LookupError("arrêt du test")

    class Noyau:  # the kernel manager the runner stops afterwards
        def shutdown_kernel(self, now):
            vus.append("arrêté")

    monkeypatch.setattr(engines, "PapermillNotebookClient", Client)
    with pytest.raises(LookupError, match="arrêt du test"):
        executeur._executer_notebook(catalogue.par_id("budget"), {}, Noyau(), limite=60)
    assert vus == [120, "arrêté"] and executeur.ATTENTE_SORTIES == 120


def test_an_index_card_agrees_a_count_of_zero_or_one_as_its_page_does(depot_produit):
    """The index labels a key figure with its figure's plural label, except a count under 2, which takes the
    singular its page's card gives it (« 0 objectif chiffré atteint »: zero takes the singular in French)."""
    index = (depot_produit / "reports/index.html").read_text(encoding="utf-8")
    carte = r'<span data-chiffre="(bilan\.[^"]+)">([^<]*)</span></span> <span class="libelle">([^<]*)</span>'
    cartes = {fid: (valeur, libelle) for fid, valeur, libelle in re.findall(carte, index)}
    assert cartes["bilan.objectifs.atteints"] == ("0", "Objectif chiffré atteint")
    assert cartes["bilan.objectifs.non_mesurables"] == ("2", "Objectifs chiffrés non mesurables")
    assert cartes["bilan.questions.sans_reponse"] == ("8", "Questions sans réponse")
