"""Reruns: redo only what changed; a failure leaves the previous outputs; same inputs, same bytes;
an interrupted run leaves no partial file; input text shows as text."""

import html
import json
import os
import signal
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, cli, commande_terminal

from cln_analysis import catalogue, etat

pytestmark = pytest.mark.e2e


def _statuts(res) -> dict[str, str]:
    out = {}
    for line in res.stdout.splitlines():
        for rid in catalogue.ids():
            if line.strip().startswith(f"{rid} :"):
                out[rid] = "inchangé" if "inchangé" in line else ("fait" if "fait en" in line else "échec")
    return out


def test_only_what_changed_is_redone(depot_copie):
    depot = depot_copie  # every report already produced, state included
    assert set(_statuts(cli(depot, "run")).values()) == {"inchangé"}
    # an input file, by content, and a notebook, in one run: each redoes its report, and bilan reads both
    p = depot / "data/raw/appels_standard.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")
    nb = depot / "notebooks/grille.ipynb"
    d = json.loads(nb.read_text(encoding="utf-8"))
    d["cells"][0]["source"] += " "
    nb.write_text(json.dumps(d), encoding="utf-8")
    assert _statuts(cli(depot, "run")) == {
        "budget": "inchangé",
        "cvs": "inchangé",
        "appels": "fait",
        "grille": "fait",
        "retours": "inchangé",
        "bilan": "fait",  # it reads what appels and grille published: redone in the same run
    }
    # a file shared by two reports (territoire.csv is read by budget and cvs)
    p = depot / "data/raw/territoire.csv"
    p.write_text(p.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _statuts(cli(depot, "run")) == {
        "budget": "fait",
        "cvs": "fait",
        "appels": "inchangé",
        "grille": "inchangé",
        "retours": "inchangé",
        "bilan": "inchangé",
    }
    # a parameter
    assert _statuts(cli(depot, "run", "budget", "-p", "population=100000")) == {"budget": "fait"}
    assert _statuts(cli(depot, "run", "budget", "-p", "population=100000")) == {"budget": "inchangé"}
    # --force on a source redoes it and its readers; the bilan's other sources run only when out of date (--force
    # on reports no other reads: test_ecriture_refusee, test_confidentialite_publication)
    assert _statuts(cli(depot, "run", "grille", "--force")) == {
        "appels": "inchangé", "grille": "fait", "retours": "inchangé", "bilan": "fait"}


def test_package_change_changes_every_key(monkeypatch):
    rap = catalogue.par_id("budget")
    base = etat.cle(rap, {}, etat.empreinte_paquet())
    before = etat.empreinte_paquet()
    monkeypatch.setattr(etat, "__version__", "99.0")
    assert etat.empreinte_paquet() != before
    assert etat.cle(rap, {}, etat.empreinte_paquet()) != base
    assert etat.cle(rap, {"population": 1}, etat.empreinte_paquet()) != etat.cle(rap, {}, etat.empreinte_paquet())


def _snapshot(root: Path) -> dict[str, bytes]:
    files = {}
    for d in ("reports", "data/processed"):
        for p in (root / d).rglob("*"):
            if p.is_file() and p.name != ".etat.json" and p.name != "index.html" and "donnees" not in p.parts:
                files[str(p.relative_to(root))] = p.read_bytes()
    return files


def test_a_failed_report_leaves_its_previous_outputs(depot_copie):
    depot = depot_copie
    before = _snapshot(depot)
    (depot / "data/raw/budget_mandate.csv").write_text(
        "annee,section,budget_numerique,budget_total\n2025,investissement,x,41801894\n2025,fonctionnement,4508759,163049676\n"
    )
    res = cli(depot, "run", "budget", "cvs", "--force")  # budget fails; cvs, beside it, goes on
    assert res.returncode == 1
    assert "Bilan : 1 produit, 0 inchangé, 1 en échec." in res.stdout
    assert "budget_mandate.csv, ligne 2, colonne « budget_numerique »" in res.stderr
    after = _snapshot(depot)
    for name, data in before.items():
        if ("budget" in name and not name.startswith("reports/audit/")) or name.endswith("figures.csv"):
            assert after[name] == data, name
    # the public index says so, without details; the details are on the audit page, above the previous result
    index = html.unescape((depot / "reports/index.html").read_text(encoding="utf-8")).replace("\u00a0", " ")
    assert "ce rapport n'a pas pu être mis à jour" in index and "La version précédente reste en ligne" in index
    assert "ligne 2" not in index and "budget_mandate.csv" not in index and str(depot) not in index
    audit = html.unescape((depot / "reports/audit/budget.html").read_text(encoding="utf-8")).replace("\u00a0", " ")
    assert "La dernière exécution" in audit and "budget_mandate.csv, ligne 2" in audit and str(depot) not in audit
    assert "Rapprochement avec les chiffres publiés" in audit  # the previous result is kept below


def test_same_inputs_same_bytes_and_committed_outputs_reproduced(depot_produit, depot_copie):
    depot = depot_copie  # a second run over the first one's outputs, compared with the first's bytes
    assert cli(depot, "run", "--force").returncode == 0
    for rel in ["data/processed/figures.csv"] + [
        str(p.relative_to(REPO)) for p in (REPO / "data/processed").rglob("*.csv")
    ]:
        a, b, c = depot / rel, depot_produit / rel, REPO / rel
        assert a.read_bytes() == b.read_bytes(), rel
        assert a.read_bytes() == c.read_bytes(), (
            f"{rel} : la version committée n'est pas celle d'une exécution par défaut"
        )
    produced = {str(p.relative_to(depot)) for p in (depot / "data/processed").rglob("*.csv")}
    committed = {str(p.relative_to(REPO)) for p in (REPO / "data/processed").rglob("*.csv")}
    assert produced == committed


def test_interrupted_run_leaves_no_partial_file(depot_copie):
    """Ctrl-C once a first report is published (its line read, no sleep): exit 130, the French notice, no
    temporary file; the reports that were still running keep their previous outputs byte for byte, and every
    report's state matches what is on disk, so the next plain run has nothing to redo."""
    depot = depot_copie
    before = _snapshot(depot)
    # the site as a run cut before writing it would leave it: what this run publishes must be linked all the same
    (depot / "reports/index.html").unlink()
    for csv in (depot / "reports/donnees").glob("*.csv"):  # its tables for French Excel (written with the index)
        csv.unlink()
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot))
    proc = subprocess.Popen(
        # two reports one after the other, none reading the other: the first published, the second cut as it runs
        # (Ctrl-C with kernels side by side: test_fautes); each given a value to record once it is published
        commande_terminal("run", "budget", "cvs", "--force", "--jobs", "1", "-p", "budget.annee=2025",
                          "-p", "cvs.annee=2025"),
        cwd=depot,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lus = []
    while not any(" : fait en " in ligne for ligne in lus):  # the event: a first report published
        ligne = proc.stdout.readline()
        assert ligne, "".join(lus) + proc.stderr.read()
        lus.append(ligne)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    faits = set(_statuts(subprocess.CompletedProcess([], 0, "".join(lus) + out, "")).items())
    publies = {rid for rid, statut in faits if statut == "fait"}
    assert len(publies) == 1 and publies < {"budget", "cvs"}  # one published, the other cut while it ran
    (publie,) = publies
    assert (f"Interrompu : {publie} a été publié en entier, page d'accueil et téléchargements compris ; les "
            "fichiers des autres rapports n'ont pas été modifiés.") in err
    # the index and the downloads match what was published; only its value is recorded
    assert f'href="{publie}.html"' in (depot / "reports/index.html").read_text(encoding="utf-8")
    assert list((depot / "reports/donnees").glob(f"{publie}-*.csv"))
    assert tomllib.loads((depot / "parametres.local.toml").read_text(encoding="utf-8")) == {publie: {"annee": "2025"}}
    leftovers = [
        p for d in ("reports", "data") for p in (depot / d).rglob("*") if p.name.endswith(".tmp") or ".ancien" in p.name
    ]
    assert leftovers == []
    after = _snapshot(depot)
    assert set(after) == set(before)
    for name, data in after.items():
        rid = next((r for r in catalogue.ids() if f"/{r}." in f"/{name}" or f"/{r}/" in f"/{name}"), None)
        if rid is not None and rid not in publies:  # cut while it ran: its previous outputs, untouched
            assert data == before[name], name
        if name.endswith(".html"):  # every page is whole
            assert data.rstrip().endswith(b"</html>"), name
    # the state matches the outputs: only a dependant of a report published before the cut (bilan) is redone
    redone = {rid for rid, statut in _statuts(cli(depot, "run")).items() if statut == "fait"}
    assert redone <= set(catalogue.dependants(sorted(publies)))
    assert set(_statuts(cli(depot, "run")).values()) == {"inchangé"}


def test_text_from_an_input_file_shows_as_text(depot):
    p = depot / "data/raw/territoire.csv"
    p.write_text(
        p.read_text(encoding="utf-8").replace("INSEE 2022", "<b onclick=alert(1)>INSEE 2022</b>"), encoding="utf-8"
    )
    assert cli(depot, "run", "budget").returncode == 0
    html = (depot / "reports/budget.html").read_text(encoding="utf-8")
    assert "&lt;b onclick=alert(1)&gt;INSEE 2022&lt;/b&gt;" in html
    assert "<b onclick" not in html


@pytest.mark.rapports("budget")
def test_a_stop_while_the_home_page_is_written_still_gives_the_page_of_what_was_published(depot, monkeypatch):
    # Ctrl-C once the report is published, while its home page is being written: the stop is handled as any other,
    # the home page written for the report published, and the message says so
    from cln_analysis import publication

    ecrire_site, appels = publication.ecrire_site, []

    def coupee(*args, **kwargs):
        appels.append(args)
        if len(appels) == 1:
            raise KeyboardInterrupt  # the stop, as the home page begins
        return ecrire_site(*args, **kwargs)

    monkeypatch.setattr(publication, "ecrire_site", coupee)
    r = cli(depot, "run", "budget")
    assert r.returncode == 130 and len(appels) == 2, r.stderr
    assert "Interrompu : budget a été publié en entier, page d'accueil et téléchargements compris" in r.stderr
    index = (depot / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="budget.html"' in index and "3,7" in index  # the card of the report published
    assert json.loads((depot / "build" / "etat.json").read_text(encoding="utf-8"))["budget"]["statut"] == "ok"


@pytest.mark.rapports("budget")
def test_a_ctrl_c_a_library_cleared_still_stops_the_run_before_anything_is_published(depot, monkeypatch):
    # a compiled library clears the KeyboardInterrupt Ctrl-C raised while one of its modules was imported (numpy's
    # and pandas' Cython modules do, registering their types with collections.abc): seen as a run that went on
    # and published after a Ctrl-C. Here nbconvert's import, while the kernel runs, is where it is cleared
    from cln_analysis import publication

    preparer, recus = publication.preparer, []

    def avale_le_ctrl_c():
        try:
            signal.raise_signal(signal.SIGINT)  # the runner's own handler, run at once
        except KeyboardInterrupt:
            recus.append(True)  # cleared, as by the library
        return preparer()

    monkeypatch.setattr(publication, "preparer", avale_le_ctrl_c)
    r = cli(depot, "run", "budget")
    assert recus == [True]
    assert r.returncode == 130, r.stdout + r.stderr
    assert [l for l in r.stderr.splitlines() if l.strip()] == [
        "Interrompu : les fichiers déjà en place n'ont pas été modifiés à moitié."]
    assert not (depot / "reports" / "budget.html").exists() and not (depot / "build" / "etat.json").exists()
    # the next command of this process starts with no stop received
    monkeypatch.setattr(publication, "preparer", preparer)
    assert cli(depot, "run", "budget").returncode == 0
    assert (depot / "reports" / "budget.html").exists()
