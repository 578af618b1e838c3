"""Faults, interruptions and hostile input (issue 16): nothing leaks, nothing hangs, nothing stale
is called up to date. Unit tests first, then the ones that run notebooks (marked e2e)."""

import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import filelock
import nbformat
import openpyxl
import pandas as pd
import psutil
import pytest
from conftest import attendre, cli, commande_terminal

from cln_analysis import catalogue, config, donnees, etat, exports, feuilles, graphiques, publication
from cln_analysis.erreurs import ErreurDonnees, ErreurEcriture
from cln_analysis.sorties import MIME, EtatRapport

CRIT = donnees.charger("grille_criteres").sort_values("ordre")
NOTES_EXEMPLE = (config.RAW_DIR / "grille_notes_exemple.csv").read_text(encoding="utf-8")
NOMS_EXEMPLE = [line.split(",")[0] for line in NOTES_EXEMPLE.splitlines()[1:]]


# ----------------------------------------------------------------------------- 1. privacy of the sheets

def _message(path) -> str:
    with pytest.raises(ErreurDonnees) as exc:
        feuilles.lire_notes(path, CRIT)
    return str(exc.value)


def test_a_sheet_without_its_header_row_quotes_no_cell(tmp_path):
    p = tmp_path / "sans_entete.csv"
    p.write_text("\n".join(NOTES_EXEMPLE.splitlines()[1:]) + "\n", encoding="utf-8")
    text = _message(p)
    assert "ligne 1, colonne « A »" in text
    assert "Camille Exemple" not in text and "NSPP" not in text
    assert not any(f"« {v} »" in text for v in "01234")  # the first member's scores are not quoted either


def test_a_shifted_column_does_not_quote_a_comment(tmp_path):
    t0, t1 = CRIT["titre"].iloc[0], CRIT["titre"].iloc[1]
    p = tmp_path / "decale.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["Membre", t0, f"Commentaire – {t0}", t1],
                                                   ["A", "3", "2", "Mon voisin Jean Dupont m'a dit"]])
    p.write_text(out.getvalue(), encoding="utf-8")
    text = _message(p)
    assert "ligne 2, colonne « D »" in text and "membre n° 1" in text
    assert "Jean Dupont" not in text


def test_a_long_file_with_swapped_columns_quotes_no_name(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("repondant,critere,note\nusage,Camille Exemple,3\n", encoding="utf-8")
    text = _message(p)
    assert "ligne 2, colonne « critere » : critère inconnu (membre n° 1)" in text
    assert "Camille Exemple" not in text


def test_weights_messages_quote_no_cell(tmp_path):
    p = tmp_path / "poids.csv"
    titres = list(CRIT["titre"])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["Membre"] + titres, ["A", "Claude Secret"] + ["10"] * 7])
    p.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(ErreurDonnees) as exc:
        feuilles.lire_ponderations(p, CRIT)
    assert "ligne 2, colonne « B » : cette case n'est pas un nombre de points (membre n° 1)" in str(exc.value)
    assert "Claude Secret" not in str(exc.value)


# ----------------------------------------------------------------------------- 4, 6, 8, 16. state and commits

@pytest.fixture
def racine(tmp_path, monkeypatch):
    """The output paths of config pointed at a temporary folder (in-process tests)."""
    for name, rel in [("REPORTS_DIR", "reports"), ("PROCESSED_DIR", "data/processed"), ("AUDIT_DIR", "reports/audit"),
                      ("EXECUTED_NOTEBOOKS_DIR", "reports/notebooks"), ("DOWNLOADS_DIR", "reports/donnees"),
                      ("FIGURES_CSV", "data/processed/figures.csv"), ("STATE_FILE", "build/etat.json"),
                      ("STATE_LOCK", "build/etat.json.verrou"), ("INDEX_HTML", "reports/index.html")]:
        monkeypatch.setattr(config, name, tmp_path / rel)
    return tmp_path


@pytest.mark.parametrize("contenu", ["[]", '{"budget": 5}', '{"budget": {"statut": "ok", "entrees": 3}}', "nul"])
def test_a_state_of_the_wrong_shape_is_no_state(racine, contenu):
    config.STATE_FILE.parent.mkdir(parents=True)
    config.STATE_FILE.write_text(contenu, encoding="utf-8")
    state = etat.lire()
    assert isinstance(state, dict) and all(isinstance(v, EtatRapport) for v in state.values())
    rap = catalogue.par_id("budget")
    assert etat.a_jour(rap, "cle", state.get("budget", {}), "") is False


def _notebook_execute(tableaux: dict, figures: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("r.publier()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        MIME: {"tableaux": tableaux, "figures": figures, "entrees": []}})]
    nb.cells = [cell]
    return nb


def test_a_report_whose_pages_cannot_be_written_keeps_its_previous_tables(racine, monkeypatch):
    """All of a report's outputs or none: a full disk while writing the page leaves the old tables."""
    rap = catalogue.par_id("budget")
    rap.dossier_tableaux.mkdir(parents=True)
    (rap.dossier_tableaux / "ancien.csv").write_text("a\n1\n", encoding="utf-8")
    config.FIGURES_CSV.write_text("figure_id,report,label,value,unit,formula,published,status\n", encoding="utf-8")
    before = config.FIGURES_CSV.read_bytes()
    monkeypatch.setattr(publication, "page_rapport", lambda *a, **k: "<html></html>")
    monkeypatch.setattr(exports, "classeur_excel", lambda feuilles: b"PK classeur")
    real_mkstemp = __import__("tempfile").mkstemp

    def disque_plein(*args, prefix="", **kwargs):
        if prefix.startswith(f".{rap.page.stem}.") and kwargs.get("suffix", "").endswith(rap.page.suffix):
            raise OSError(28, "No space left on device")
        return real_mkstemp(*args, prefix=prefix, **kwargs)

    monkeypatch.setattr("tempfile.mkstemp", disque_plein)
    figure = dict(figure_id="budget.x", report="budget", label="x", value=1, unit="count", formula="f", published="",
                  status="unpublished")
    with pytest.raises(ErreurEcriture, match="No space left on device"):
        publication.publier_rapport(rap, _notebook_execute({"nouveau.csv": "b\n2\n"}, [figure]),
                                    dt.datetime.now().astimezone())
    assert sorted(p.name for p in rap.dossier_tableaux.iterdir()) == ["ancien.csv"]
    assert config.FIGURES_CSV.read_bytes() == before
    assert not rap.notebook_execute.exists() and not rap.page_audit.exists() and not rap.classeur.exists()
    leftovers = [p for p in racine.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_outputs_that_differ_from_the_recorded_state_are_redone(racine):
    """A run cut between writing the outputs and writing the state must not say « inchangé »."""
    rap = catalogue.par_id("budget")
    for p, text in [(rap.page, "<html>ancienne</html>"), (rap.page_audit, "<html>audit</html>"),
                    (rap.notebook_execute, "{}"), (rap.dossier_tableaux / "t.csv", "a\n1\n")]:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    figures = "figure_id,report,label,value,unit,formula,published,status\nbudget.x,budget,x,1,count,f,,unpublished\n"
    record = {"statut": "ok", "cle": "k", "entrees": [], "sorties": etat.empreinte_sorties(rap, figures)}
    assert etat.a_jour(rap, "k", record, figures)
    rap.page.write_text("<html>nouvelle, écrite avant l'interruption</html>", encoding="utf-8")
    assert not etat.a_jour(rap, "k", record, figures)
    rap.page.write_text("<html>ancienne</html>", encoding="utf-8")
    assert not etat.a_jour(rap, "k", record, figures.replace(",1,count", ",2,count"))  # figures.csv moved on
    assert not etat.a_jour(rap, "k", {k: v for k, v in record.items() if k != "sorties"}, figures)  # old record


def test_editing_the_data_package_makes_reports_out_of_date(tmp_path, monkeypatch):
    dp = tmp_path / "datapackage.json"
    dp.write_bytes(config.DATAPACKAGE.read_bytes())
    monkeypatch.setattr(config, "DATAPACKAGE", dp)
    rap, paquet = catalogue.par_id("appels"), etat.empreinte_paquet()
    before = etat.cle(rap, {}, paquet)
    d = json.loads(dp.read_text(encoding="utf-8"))
    d["resources"][0]["schema"]["fields"][0]["description"] = "modifié"
    dp.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    assert etat.cle(rap, {}, paquet) != before


def test_state_lock_makes_a_second_holder_wait(racine):
    lock = etat.verrou()
    messages = []
    try:
        etat.ATTENTE_VERROU, saved = 1, etat.ATTENTE_VERROU
        with pytest.raises(etat.ExecutionEnCours, match="une autre exécution occupe ce dossier"):
            etat.verrou(messages.append)
    finally:
        etat.ATTENTE_VERROU = saved
        lock.release()
    assert messages == ["Une autre exécution de cln-analysis est en cours dans ce dossier : attente de sa fin…"]
    etat.verrou().release()  # free again


# ----------------------------------------------------------------------------- 9–13. input

def test_missing_context_rows_are_named_by_check(tmp_path, monkeypatch):
    p = tmp_path / "territoire.csv"
    p.write_text("\n".join(l for l in (config.RAW_DIR / "territoire.csv").read_text(encoding="utf-8").splitlines()
                           if not l.startswith("population")) + "\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="colonne « indicateur » : la ligne de l'indicateur « population » manque"):
        donnees.charger("territoire", p)
    p = tmp_path / "appels_contexte.csv"
    p.write_text("\n".join(l for l in (config.RAW_DIR / "appels_contexte.csv").read_text(encoding="utf-8").splitlines()
                           if not l.startswith("duree_moyenne_appel")) + "\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="la ligne de l'indicateur « duree_moyenne_appel » manque"):
        donnees.charger("appels_contexte", p)


def test_a_population_of_zero_in_the_context_file_is_refused(tmp_path):
    p = tmp_path / "territoire.csv"
    p.write_text((config.RAW_DIR / "territoire.csv").read_text(encoding="utf-8").replace("population,99500,",
                                                                                        "population,0,"))
    with pytest.raises(ErreurDonnees, match="ligne 2, colonne « valeur » : la valeur de « population » doit être "
                                            "supérieure à 0"):
        donnees.charger("territoire", p)


def test_zero_totals_are_refused_with_row_and_column(tmp_path):
    from cln_analysis import appels, budget

    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_total\n2025,investissement,0,0\n"
                 "2025,fonctionnement,4508759,163049676\n", encoding="utf-8")
    [prob] = budget.verifier(donnees.charger("budget_mandate", p))
    assert (prob.ligne, prob.colonne) == (2, "budget_total") and "budget total nul" in prob.message
    p = tmp_path / "a.csv"
    text = (config.RAW_DIR / "appels_standard.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[1:4] = ["0", "0", "0"]
    p.write_text("\n".join([text[0], ",".join(cells)] + text[2:]) + "\n", encoding="utf-8")
    probs = appels.problemes(donnees.charger("appels_standard", p))
    assert [(x.ligne, x.colonne) for x in probs] == [(2, "appels_recus")]


def test_excel_sep_line_and_multiline_cells_keep_the_files_line_numbers(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes("sep=;\r\nannee;section;budget_numerique;budget_total\r\n2025;investissement;3058244;41801894\r\n"
                  "2025;fonctionnement;x;163049676\r\n".encode("cp1252"))
    with pytest.raises(ErreurDonnees, match="ligne 4, colonne « budget_numerique »"):
        donnees.charger("budget_mandate", p)
    p = tmp_path / "multi.csv"
    p.write_text('indicateur,valeur,unite,millesime,source\npopulation,99500,habitants,INSEE 2022,"deux\nlignes"\n'
                 "precarite_numerique,abc,ratio,INSEE 2020,x\n", encoding="utf-8")
    with pytest.raises(ErreurDonnees, match="ligne 4, colonne « valeur »"):
        donnees.charger("territoire", p)


def test_chart_text_is_never_parsed_as_mathematics():
    fig = graphiques.barres_horizontales([r"Coût $\frac{ inconnu", "$x^2$"], [0.2, 0.8], "pourcentage1")
    dessin = graphiques.en_svg(fig)  # raised ValueError with math parsing on
    assert r"Coût $\frac{" in dessin and "$x^2$" in dessin  # as typed (wrapped between words on a phone)


# ----------------------------------------------------------------------------- 14, 17. template

def test_template_refuses_an_existing_file_and_data_raw(depot, tmp_path):
    target = tmp_path / "grilles_rendues.xlsx"
    target.write_bytes(b"les grilles des membres")
    res = cli(depot, "template", "grille", "-o", str(target))
    assert res.returncode == 2 and "existe déjà" in res.stderr and "--force" in res.stderr
    assert target.read_bytes() == b"les grilles des membres"
    assert cli(depot, "template", "grille", "-o", str(target), "--force").returncode == 0
    assert target.read_bytes().startswith(b"PK")
    raw = depot / "data/raw/budget_mandate.csv"
    before = raw.read_bytes()
    for extra in ([], ["--force"]):
        res = cli(depot, "template", "grille", "-o", str(raw), *extra)
        assert res.returncode == 2 and "data/raw/" in res.stderr
    res = cli(depot, "template", "grille", "-o", str(depot / "data/raw/nouvelle.csv"))
    assert res.returncode == 2 and not (depot / "data/raw/nouvelle.csv").exists()
    assert raw.read_bytes() == before
    assert cli(depot, "template", "grille", "-o", str(tmp_path)).returncode == 2  # a folder


def test_template_writes_titles_as_text_never_as_formulas(tmp_path):
    crit = CRIT.copy()
    crit.loc[crit.index[0], "titre"] = "=HYPERLINK(\"http://exemple.invalid\";\"clic\")"
    niveaux = donnees.charger("grille_niveaux")
    wb = openpyxl.load_workbook(feuilles.ecrire(tmp_path / "g.xlsx", crit, niveaux))
    for ws, coord in ((wb["Notes"], "B1"), (wb["Pondération"], "B1"), (wb["Grille"], "A2")):
        assert ws[coord].value == crit["titre"].iloc[0] and ws[coord].data_type == "s", ws.title
    assert wb["Pondération"]["J2"].data_type == "f"  # the meant Total formula stays one
    csv_path = feuilles.ecrire(tmp_path / "g.csv", crit, niveaux)
    header = next(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert header[1] == "'" + crit["titre"].iloc[0]
    # the blank .csv, filled in, reads back with its titles
    csv_path.write_text(csv_path.read_text(encoding="utf-8-sig") + "A," + ",".join(["3", ""] * 8) + "\r\n",
                        encoding="utf-8")
    assert feuilles.lire_notes(csv_path, crit).shape == (1, 8)


# ----------------------------------------------------------------------------- 15. parameters

@pytest.mark.parametrize("rapport,valeur,attendu", [
    ("budget", "population=-5", "paramètre « population » : -5 doit être supérieur à 0"),
    ("budget", "population=0", "paramètre « population » : 0 doit être supérieur à 0"),
    ("budget", "population=0.5", "« 0.5 » n'est pas un nombre entier"),
    ("budget", "population=99999999999999999999", "n'est pas un nombre entier"),
    ("budget", "denominateur=x", "« x » n'est pas permis (valeurs possibles : mandate, primitif)"),
    ("cvs", "part_nouveaux=nan", "« nan » n'est pas un nombre"),
    ("cvs", "part_nouveaux=1e400", "« 1e400 » n'est pas un nombre"),
    ("cvs", "part_nouveaux=1,5", "1,5 doit être au plus 1"),
    ("grille", "seuil_publication=0", "0 doit être au moins 1"),
    ("appels", "jours_ouvres=0", "0 doit être supérieur à 0"),
])
def test_a_parameter_out_of_range_is_a_usage_error_before_any_kernel(depot, rapport, valeur, attendu, monkeypatch):
    from cln_analysis import executeur

    noyaux = []
    monkeypatch.setattr(executeur, "demarrer_noyau", lambda *a: noyaux.append(a))  # the runner runs in-process
    res = cli(depot, "run", rapport, "-p", valeur)
    assert res.returncode == 2, res.stderr
    assert attendu in res.stderr and "Traceback" not in res.stderr
    assert not (depot / "reports/index.html").exists() and not (depot / "build").exists()  # before the lock
    assert noyaux == []  # no kernel started


def test_help_says_utilisation_once():
    for args in ([], ["run"], ["check"], ["template"]):
        out = subprocess.run([sys.executable, "-m", "cln_analysis", *args, "--help"], capture_output=True,
                             text=True, timeout=60).stdout
        assert out.count("Utilisation :") == 1, (args, out[:200])


# ----------------------------------------------------------------------------- e2e: kernels, Ctrl-C, lock

def _ajouter_cellule(root: Path, rapport: str, code: str) -> None:
    """Insert a code cell right after the parameters cell of a notebook of the copy."""
    p = root / "notebooks" / f"{rapport}.ipynb"
    nb = json.loads(p.read_text(encoding="utf-8"))
    i = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    nb["cells"].insert(i + 1, {"cell_type": "code", "execution_count": None, "id": "faute", "metadata": {},
                               "outputs": [], "source": code})
    p.write_text(json.dumps(nb), encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.rapports("budget", "appels", "grille")  # not bilan, which would run after them
def test_a_dead_kernel_and_a_time_limit_fail_their_report_and_the_others_go_on(depot):
    _ajouter_cellule(depot, "budget", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    _ajouter_cellule(depot, "appels", "import time\ntime.sleep(600)")
    # the dead kernel beside a report that goes on
    res = cli(depot, "run", "budget", "grille", "--jobs", "2", timeout=280)
    assert res.returncode == 1
    assert "budget : ÉCHEC — le noyau Python du notebook s'est arrêté brutalement" in res.stdout
    assert "grille : fait" in res.stdout and "Traceback" not in res.stderr
    state = json.loads((depot / "build/etat.json").read_text(encoding="utf-8"))
    assert state["grille"]["statut"] == "ok" and state["budget"]["statut"] == "echec"
    # the time limit, on its notebook alone (a short one: no other notebook has to finish within it)
    res = cli(depot, "run", "appels", "--limite", "3", timeout=280)
    assert res.returncode == 1
    assert "appels : ÉCHEC — le notebook a dépassé la limite de 3" in res.stdout, res.stdout
    state = json.loads((depot / "build/etat.json").read_text(encoding="utf-8"))
    assert state["appels"]["statut"] == "echec"


@pytest.mark.e2e
def test_ctrl_c_stops_the_kernels_at_once_and_exits_130(depot):
    for nom in ("budget", "cvs"):  # each kernel says when it has reached its sleeping cell
        _ajouter_cellule(depot, nom, f"import os, pathlib, time\npathlib.Path({str(depot / nom)!r} + '.dort')"
                                     ".write_text(str(os.getpid()))\ntime.sleep(600)")
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot))
    proc = subprocess.Popen(commande_terminal("run", "budget", "cvs"), cwd=depot, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    dort = [depot / "budget.dort", depot / "cvs.dort"]
    attendre(lambda: all(p.exists() and p.read_text() for p in dort), 120)  # both kernels in their 600 s sleep
    noyaux = [int(p.read_text()) for p in dort]
    os.killpg(proc.pid, signal.SIGINT)
    os.killpg(proc.pid, signal.SIGINT)  # impatient: a second Ctrl-C
    out, err = proc.communicate(timeout=60)  # long before the kernels' sleep would end
    assert [pid for pid in noyaux if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"] == []
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [l for l in err.splitlines() if l.strip()] == [
        "Interrompu : les fichiers déjà en place n'ont pas été modifiés à moitié."]
    leftovers = [p for p in depot.rglob("*") if p.name.endswith(".tmp") or ".ancien" in p.name]
    assert leftovers == []


@pytest.mark.e2e
def test_a_second_run_waits_for_the_first(depot):
    lock = filelock.FileLock(str(depot / "build/etat.json.verrou"))
    lock.acquire()
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot), PYTHONUNBUFFERED="1")
    sortie = depot.parent / "sortie.txt"
    with sortie.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "cln_analysis", "run", "budget"], cwd=depot, env=env,
                                stdout=fh, stderr=subprocess.PIPE, text=True)
        attente = "Une autre exécution de cln-analysis est en cours dans ce dossier : attente de sa fin…"
        attendre(lambda: attente in sortie.read_text(encoding="utf-8"), 120)
        # waiting, and nothing written while it waits (no fixed sleep: the lock is still held by this test)
        assert proc.poll() is None and not (depot / "build/etat.json").exists()
        lock.release()
        _, err = proc.communicate(timeout=280)
    assert proc.returncode == 0, err
    assert "budget" in json.loads((depot / "build/etat.json").read_text(encoding="utf-8"))


@pytest.mark.e2e
@pytest.mark.rapports("grille")
def test_an_unreadable_grid_leaks_nothing_and_a_stale_page_is_redone(depot):
    sheet = depot / "grilles.csv"
    sheet.write_text("\n".join(NOTES_EXEMPLE.splitlines()[1:]) + "\n", encoding="utf-8")
    res = cli(depot, "run", "grille", "-p", "notes=grilles.csv")
    assert res.returncode == 1
    assert "grilles.csv, ligne 1, colonne « A »" in res.stderr
    published = res.stdout + res.stderr + "".join(
        p.read_text(encoding="utf-8") for p in [depot / "build/etat.json", *(depot / "reports").rglob("*.html")])
    for name in NOMS_EXEMPLE:
        assert name not in published, name
    # a state of the wrong shape, then a page changed behind the state's back
    (depot / "build/etat.json").write_text('{"grille": 5}', encoding="utf-8")
    assert cli(depot, "run", "grille").returncode == 0
    page = depot / "reports/grille.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>interrompu</p></body>"), encoding="utf-8")
    res = cli(depot, "run", "grille")
    assert "grille : fait" in res.stdout and "interrompu" not in page.read_text(encoding="utf-8")
    assert pd.read_csv(depot / "data/processed/figures.csv")["report"].eq("grille").any()
