"""Nothing personal or local ever published (issue 23): the last scan, paths, warnings, interruptions, stray files.

Each case uses inputs holding a fake name, phone number, address and IP address, given from a user folder
outside the repository; afterwards every file under reports/, data/processed/ and build/ (every workbook
unzipped) and the terminal output are searched for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import cli, cli_processus, copier_depot
from test_balayage import classeur_liste_deroulante
from texte_visible import texte_visible

from cln_analysis import balayage, catalogue, config, fichiers, publication
from cln_analysis.lecture import collecte

NOM, TEL, ADRESSE, IP = "Jeanne Martin", "06 12 34 56 78", "12 rue de Lille", "192.168.12.34"
DOSSIER_PERSO = "marie.dupont"
COMMENTAIRE = f"Je suis {NOM} {TEL}, {ADRESSE}, depuis {IP}"
SECRETS = (NOM, TEL, TEL.replace(" ", ""), ADRESSE, IP, DOSSIER_PERSO)


def _questionnaire(dossier: Path, entete: bool) -> Path:
    """The shipped example with one resident's comment holding personal data (its header row kept or lost)."""
    lignes = (config.ROOT / "data/raw/retours_exemple.csv").read_text(encoding="utf-8").splitlines()
    premiere = lignes[1].rsplit(",", 1)[0] + f',"{COMMENTAIRE}"'
    dossier.mkdir(parents=True, exist_ok=True)
    path = dossier / ("retours.csv" if entete else "sans_entete.csv")
    path.write_text("\n".join(([lignes[0]] if entete else []) + [premiere] + lignes[2:]) + "\n", encoding="utf-8")
    return path


def _textes_publies(depot: Path) -> dict[str, str]:
    """Every file under reports/, data/processed/ and build/, as text; a workbook by each of its members."""
    out = {}
    for d in ("reports", "data/processed", "build"):
        for p in (depot / d).rglob("*"):
            if not p.is_file():
                continue
            if p.suffix == ".xlsx":
                with zipfile.ZipFile(p) as z:
                    for m in z.namelist():
                        out[f"{p}!{m}"] = z.read(m).decode("utf-8", errors="replace")
            else:
                out[str(p)] = p.read_bytes().decode("utf-8", errors="replace")
    return out


def _sans_secret(textes: dict[str, str]) -> None:
    for nom, texte in textes.items():
        for s in SECRETS:
            assert s.casefold() not in texte.casefold(), (nom, s)


def test_une_table_qu_aucun_rapport_ne_fait_plus_quitte_les_telechargements_un_fichier_depose_reste(tmp_path):
    """A table a report no longer makes (the budget lines' breakdowns once `lignes` is reset) leaves
    reports/donnees/ with the next writing of the site, recognised by the name and SHA-256 the last one wrote; a
    file put there by hand, or a written one edited since, is kept and reported, never removed; a table the run
    writes again, edited since (saved from Excel in place), is kept beside it as « … (modifié à la main).csv »."""
    root = copier_depot(tmp_path)
    traites, donnees = root / "data/processed/budget", root / "reports/donnees"
    quand = dt.datetime(2026, 12, 1, 9, 0)
    for nom in ("par_categorie.csv", "regles.csv"):  # as a run with lines leaves them
        (traites / nom).write_text("categorie,montant\nsi,1\n", encoding="utf-8")
    with config.racine(root):
        publication.ecrire_site({}, quand)
        assert {"budget-par_categorie.csv", "budget-regles.csv"} <= {p.name for p in donnees.iterdir()}
        ecrit = json.loads(config.DOWNLOADS_MANIFEST.read_text(encoding="utf-8"))
        assert ecrit["budget-regles.csv"] == fichiers.sha256(donnees / "budget-regles.csv")
        for nom in ("par_categorie.csv", "regles.csv"):  # the next run, without lines, makes neither
            (traites / nom).unlink()
        (donnees / "budget-notes-a-moi.csv").write_text("mes notes\n", encoding="utf-8")  # put there by hand
        (donnees / "archives").mkdir()  # a folder of the officer's, holding a copy of a written table
        (donnees / "archives" / "budget-par_categorie.csv").write_bytes((donnees / "budget-par_categorie.csv")
                                                                        .read_bytes())
        with open(donnees / "budget-regles.csv", "a", encoding="utf-8") as fh:  # edited since it was written
            fh.write("ajout à la main\n")
        genere = (donnees / "budget-denominateurs.csv").read_bytes()  # a table the next run writes again
        (donnees / "budget-denominateurs.csv").write_bytes(genere + "corrigé dans Excel\n".encode())
        publication.ecrire_site({}, quand)
        restes = {p.name for p in donnees.glob("budget-*.csv")}
        modifie = "budget-denominateurs (modifié à la main).csv"  # the officer's edit, kept beside the table
        assert restes == {f"budget-{p.name}" for p in traites.glob("*.csv")} | {"budget-notes-a-moi.csv",
                                                                             "budget-regles.csv", modifie}
        assert (donnees / "budget-denominateurs.csv").read_bytes() == genere
        assert (donnees / modifie).read_bytes() == genere + "corrigé dans Excel\n".encode()
        assert "budget-notes-a-moi.csv" not in json.loads(config.DOWNLOADS_MANIFEST.read_text(encoding="utf-8"))
        assert (donnees / "archives" / "budget-par_categorie.csv").is_file()  # its name is no written one's
        assert publication.messages_etrangers() == [
            f"attention : reports/donnees/{n} n'a été produit par aucune exécution et serait publié avec le site ; "
            "déplacez-le hors de reports/ (un fichier de réponses se range dans donnees_personnelles/)."
            for n in ("archives/budget-par_categorie.csv", modifie, "budget-notes-a-moi.csv", "budget-regles.csv")]
        config.DOWNLOADS_MANIFEST.write_text("[" * 200_000, encoding="utf-8")  # nested beyond the JSON parser
        publication.ecrire_site({}, quand)  # kept again: a file kept is never taken for one a run wrote
        assert {"budget-notes-a-moi.csv", "budget-regles.csv", "archives"} <= {p.name for p in donnees.iterdir()}
        # the record cannot be written (a folder in its place): nothing of the site changes, not even the index
        avant = {p: p.read_bytes() for p in (root / "reports").rglob("*") if p.is_file()}
        config.DOWNLOADS_MANIFEST.unlink()
        config.DOWNLOADS_MANIFEST.mkdir()
        (traites / "par_fonction.csv").write_text("fonction,montant\n020,1\n", encoding="utf-8")
        with pytest.raises(fichiers.ErreurEcriture):
            publication.ecrire_site({}, dt.datetime(2026, 12, 2, 9, 0))
        assert {p: p.read_bytes() for p in (root / "reports").rglob("*") if p.is_file()} == avant


def test_cas_des_habitants_du_dossier_personnel_et_des_fichiers_etrangers(depot_copie, tmp_path_factory):
    """Case 1 (a questionnaire whose header is lost: its first comment becomes the header), case 2 (an input in
    the officer's home folder, outside the repository) and case 5 (a questionnaire saved in reports/): nothing of
    them on the terminal or in any file (the bilan that reads retours included); the stray file is reported by
    run and check, and kept as it is."""
    depot = depot_copie  # produced: each run redoes retours and bilan only
    perso = tmp_path_factory.mktemp("poste") / "home" / DOSSIER_PERSO / "Documents"  # outside the repository
    sans_entete, complet = _questionnaire(perso, entete=False), _questionnaire(perso, entete=True)
    egare = depot / "reports" / "donnees" / "questionnaire rempli.csv"
    egare.parent.mkdir(parents=True, exist_ok=True)
    egare.write_text("commentaire\nun habitant\n", encoding="utf-8")

    echec = cli(depot, "run", "retours", "--essai", "-p", f"donnees={sans_entete}")
    assert echec.returncode == 1 and "colonne obligatoire absente" in echec.stderr
    fait = cli(depot, "run", "retours", "-p", f"donnees={complet}")
    assert fait.returncode == 0, fait.stdout + fait.stderr
    assert "retours : fait en" in fait.stdout
    verif = cli(depot, "check")
    terminal = {f"terminal {i}": r.stdout + r.stderr for i, r in enumerate((echec, fait, verif))}
    _sans_secret(terminal | _textes_publies(depot))

    # inputs named by file name on the public page, never by a folder; by file name in the state (outside the repo)
    page = (depot / "reports/retours.html").read_text(encoding="utf-8")
    assert "retours.csv" in page
    etat = json.loads((depot / "build/etat.json").read_text(encoding="utf-8"))
    assert {e["chemin"] for e in etat["retours"]["entrees"]} >= {"retours.csv"}
    # the next plain run finds the recorded input again (by its parameter), and has nothing to redo
    assert "retours : inchangé" in cli(depot, "run", "retours").stdout

    attendu = "reports/donnees/questionnaire rempli.csv n'a été produit par aucune exécution"
    assert attendu in fait.stderr and attendu in verif.stderr and verif.returncode == 1
    assert egare.read_text(encoding="utf-8") == "commentaire\nun habitant\n"  # reported, never removed

    # a personal input given from inside reports/ is refused before anything runs
    dedans = depot / "reports" / "retours.csv"
    dedans.write_bytes(complet.read_bytes())
    refus = cli(depot, "run", "retours", "--essai", "-p", "donnees=reports/retours.csv")
    assert refus.returncode == 2 and "dans reports/, qui est publié tel quel" in refus.stderr


def test_un_grand_classeur_est_balaye_par_l_enfant_qui_l_ecrit(tmp_path, monkeypatch):
    """A large workbook is written and scanned by one child of the runner (`_classeur_balaye`): its findings are
    those of the last scan of the bytes staged, and they stop the publication as the runner's own would."""
    from cln_analysis.sorties import Feuille

    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(config, "STAGING_DIR", tmp_path / "build" / "staging")
    sel = b"0123456789abcdef"
    coureur = balayage.Collecteur(sel)
    with collecte.collecter(coureur):
        collecte.signaler([COMMENTAIRE])
    cible = tmp_path / "reports" / "donnees" / "retours.xlsx"
    racines = publication._racines()
    for cellule, attendu in ((f"Avis : {COMMENTAIRE}", {balayage.PERSONNELLE}),
                             (rf"lu dans C:\Users\{DOSSIER_PERSO}\retours.xlsx", {balayage.CHEMIN}),
                             ("12 réponses", set())):
        classeur = {"avis": Feuille("Avis", ["n", "avis"], [None, None], [[1, cellule], [2, "Merci"]])}
        octets, natures = publication._classeur_balaye(classeur, coureur, racines)
        with fichiers.Lot() as lot:
            lot.fichier(cible, octets)
            (prepare, _), = lot.prepares()
            assert natures == {f.nature for f in balayage.balayer([prepare], coureur, racines)} == attendu
            # the staged file is not scanned again: what the child found is what the check says
            assert publication.verifier_avant_publication(lot, {}, coureur, None, {cible: natures}) == sorted(
                balayage.Fuite("reports/donnees/retours.xlsx", n) for n in attendu)
            assert publication.verifier_avant_publication(lot, {}, coureur, None, {cible: {balayage.TRACE}}) == [
                balayage.Fuite("reports/donnees/retours.xlsx", balayage.TRACE)]


@pytest.mark.parametrize("par_un_enfant", [False, True, "des_prepare"])
def test_la_derniere_verification_arrete_la_publication(tmp_path, monkeypatch, par_un_enfant):
    """A staged page holding a string a kernel collected, a local path or a warning: nothing is swapped in, the
    message names the output and the kind of leak, never what leaked. `par_un_enfant`: the page is scanned by a
    child of the runner, as a large city's audit page is, with the same findings; `des_prepare`: that child given
    the page's bytes before they are staged (`balayer_a_cote`, as `publier_rapport` does), and the other files."""
    from cln_analysis import enfants

    lances = []
    lancer = enfants.lancer
    monkeypatch.setattr(enfants, "lancer", lambda fonction, *args: lances.append(fonction) or lancer(fonction, *args))
    monkeypatch.setattr(publication, "BALAYAGE_A_COTE", 1 if par_un_enfant else 2**40)
    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(config, "STAGING_DIR", tmp_path / "build" / "staging")
    cible = tmp_path / "reports" / "audit" / "retours.html"
    cible.parent.mkdir(parents=True)
    cible.write_text("<html>avant</html>", encoding="utf-8")
    sel = b"0123456789abcdef"
    noyau = balayage.Collecteur(sel)
    with collecte.collecter(noyau):
        collecte.signaler([COMMENTAIRE])
    coureur = balayage.Collecteur(sel)
    coureur.fusionner(json.loads(json.dumps(noyau.exporter())))  # as it crosses the kernel's display
    cas = {
        f"<p>Merci à {NOM.upper()}, {TEL.replace(' ', '.')}</p>": balayage.PERSONNELLE,
        f"<p>{IP}</p>": balayage.PERSONNELLE,
        rf"<p>lu dans C:\Users\{DOSSIER_PERSO}\Documents\retours.xlsx</p>": balayage.CHEMIN,
        "<pre>.venv/lib/python3.12/site-packages/openpyxl/reader.py:42: UserWarning: x</pre>": balayage.CHEMIN,
    }
    for contenu, nature in cas.items():
        with fichiers.Lot() as lot:
            octets = f"<html>{contenu}</html>".encode()
            enfant = publication.balayer_a_cote(octets, ".html", coureur) if par_un_enfant == "des_prepare" else None
            assert (enfant is not None) == (par_un_enfant == "des_prepare" and enfants.possible())
            lot.fichier(cible, octets)
            (prepare, _), = lot.prepares()
            assert config.REPORTS_DIR not in prepare.parents and prepare.suffix == ".html"  # staged outside reports/
            a_cote = None if enfant is None else (lot.prepares()[0], enfant)
            lot.fichier(tmp_path / "reports" / "propre.html", "<html><p>12 réponses</p></html>")  # staged after
            fuites = publication.verifier_avant_publication(lot, {}, coureur, a_cote)
        assert balayage.Fuite("reports/audit/retours.html", nature) in fuites, contenu
        message = publication.FuitesTrouvees(fuites).args[0]
        assert "reports/audit/retours.html n'est pas publié" in message
        for s in SECRETS:
            assert s not in message
        assert cible.read_text(encoding="utf-8") == "<html>avant</html>"
    lance = balayage.natures_du_contenu if par_un_enfant == "des_prepare" else publication._natures_du_fichier
    assert lances == ([lance] * len(cas) if par_un_enfant and enfants.possible() else [])
    assert list((tmp_path / "build" / "staging").iterdir()) == []  # nothing left staged
    propre = "<html><p>12 réponses, 58 % satisfaites.</p></html>"
    with fichiers.Lot() as lot:
        lot.fichier(cible, propre)
        assert publication.verifier_avant_publication(lot, {"build/etat.json": '[{"chemin": "retours.csv"}]'},
                                                      coureur) == []
        lot.valider()
    assert cible.read_text(encoding="utf-8") == propre


def test_le_rapport_envoie_des_empreintes_et_des_avertissements_en_francais(tmp_path, monkeypatch, capfd):
    """Case 3, the kernel side: with the run's salt in its environment, `Rapport` collects the readers' strings
    as hashes and records the library warnings (openpyxl's drop-down list) instead of printing them."""
    from cln_analysis.rapport import Rapport

    sel = b"fedcba9876543210"
    monkeypatch.setenv(balayage.VARIABLE_SEL, sel.hex())
    monkeypatch.setattr(collecte, "_PROCESSUS", [])
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    rap = Rapport("retours", donnees="data/raw/retours_exemple.csv", seuil_publication=5)
    collecte.signaler([COMMENTAIRE])
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        openpyxl.load_workbook(classeur_liste_deroulante(tmp_path / "liste.xlsx"))
    envoi = rap._collecteur.exporter()
    assert not any(s in json.dumps(envoi) for s in SECRETS)
    coureur = balayage.Collecteur(sel)
    coureur.fusionner(envoi)
    assert coureur.trouve(f"<td>{ADRESSE}</td>")
    assert rap._avertissements.phrases() == [balayage.PHRASES[0][1]]
    sortie = capfd.readouterr()
    assert "Warning" not in sortie.out + sortie.err


def _fichiers(depot: Path) -> set[str]:
    return {p.relative_to(depot).as_posix() for p in (depot / "reports").rglob("*") if p.is_file()}


@pytest.mark.parametrize(("sig", "moment"), [
    (signal.SIGTERM, "premier noyau lancé"),
    (signal.SIGKILL, "premier noyau lancé"),
    (signal.SIGKILL, "premier rapport publié"),
    # SIGTERM once a first report is published: the Ctrl-C of test_reexecution's interrupted run (SIGTERM raises
    # the same interruption, `cli.Termine`), which checks that moment byte for byte
], ids=["sigterm-premier-noyau", "kill9-premier-noyau", "kill9-premier-rapport"])
def test_sigterm_puis_kill_9_ne_laissent_rien_dans_reports(depot_copie, sig, moment):
    """Case 4: SIGTERM behaves as Ctrl-C (French notice, exit 143); `kill -9` at a moment of the staging (the
    events of the run's own output, no sleep); the next plain run leaves reports/ with exactly the files of a
    clean run, and nothing staged."""
    depot = depot_copie
    propre = _fichiers(depot)
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot))
    # two reports one after the other, none reading the other: the second runs when the first is published
    commande = [sys.executable, "-m", "cln_analysis", "run", "budget", "cvs", "--force", "--jobs", "1"]
    proc = subprocess.Popen(commande, cwd=depot, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lus = []
    marque = "Production des rapports" if moment == "premier noyau lancé" else " : fait en "
    while not any(marque in ligne for ligne in lus):
        ligne = proc.stdout.readline()
        assert ligne, "".join(lus) + proc.stderr.read()
        lus.append(ligne)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=180)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "Interrompu : les fichiers déjà en place n'ont pas été modifiés à moitié." in err
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    apres = cli(depot, "run")
    assert apres.returncode == 0, apres.stdout + apres.stderr
    assert _fichiers(depot) == propre
    assert not (depot / "build" / fichiers.PREPARATION).exists() or \
        list((depot / "build" / fichiers.PREPARATION).rglob("*")) == []
    assert "n'a été produit par aucune exécution" not in apres.stderr
    assert set(catalogue.ids()) <= {p.split("/")[-1].split(".")[0] for p in propre}


# --- case 3 through a full run: library warnings, in the kernels and in the runner ---------------------------

def _lignes(csv_path: Path, commentaire: str | None = None) -> list[list]:
    """A shipped example's rows as a workbook holds them (whole numbers as numbers, empty cells empty); with
    `commentaire`, the first answer's last cell replaced by it."""
    lignes = [[int(c) if c.isdigit() else (c or None) for c in r]
              for r in csv.reader(csv_path.read_text(encoding="utf-8").splitlines())]
    if commentaire is not None:
        lignes[1][-1] = commentaire
    return lignes


def _sans_identifiants(notebook: Path) -> None:
    """A notebook as an older tool saves it: no cell has an `id` (nbformat then warns, in the runner's process)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cellule in nb["cells"]:
        cellule.pop("id", None)
    nb["nbformat_minor"] = 5  # ids are required from 4.5 on: the version that warns when one is missing
    notebook.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


#: What no published file may hold of a warning (the library's name, its file, the word itself).
MARQUES_AVERTISSEMENT = ("openpyxl", "site-packages", "UserWarning", "Warning", "nbformat/validator")
#: The members of a workbook where openpyxl writes its own name as the generator (« Microsoft Excel Compatible /
#: Openpyxl 3.1.5 », creator « openpyxl »): a property of every workbook it writes, not a warning.
PROPRIETES_CLASSEUR = ("docProps/app.xml", "docProps/core.xml")


@pytest.mark.rapports("retours", "grille")  # not bilan: its run adds nothing to what this case checks
@pytest.mark.rapports("retours", "grille")  # not bilan and its other source, appels (the warnings are these two's)
def test_cas_des_avertissements_en_francais_sans_rien_de_publie(depot, tmp_path_factory):
    """Case 3 end to end: the questionnaire (`retours -p donnees=…`) and a grid (`grille -p notes=…`), both
    workbooks with a drop-down list fed from another sheet as Excel saves it (openpyxl warns, in the kernel),
    given from a user folder; and a notebook saved without cell ids (nbformat warns, in the runner's own
    process). One run: it succeeds; the terminal says each thing in French, never a raw warning; no file under
    reports/, data/processed/ or build/ (workbooks unzipped, notebooks) holds anything of the warnings or of a
    local folder."""
    perso = tmp_path_factory.mktemp("poste") / "Users" / DOSSIER_PERSO / "Documents"
    perso.mkdir(parents=True)
    raw = config.ROOT / "data" / "raw"
    questionnaire = classeur_liste_deroulante(perso / "retours.xlsx", _lignes(raw / "retours_exemple.csv",
                                                                              COMMENTAIRE), "G2:G200")
    grille = classeur_liste_deroulante(perso / "notes.xlsx", _lignes(raw / "grille_notes_exemple.csv"), "B2:I50")
    _sans_identifiants(depot / "notebooks" / "retours.ipynb")

    # a process of its own: the runner's warning filters are its own, not the test suite's (`error`)
    fait = cli_processus(depot, "run", "retours", "grille", "--essai", "-p", f"retours.donnees={questionnaire}",
                         "-p", f"grille.notes={grille}")
    assert fait.returncode == 0, fait.stdout + fait.stderr
    listes = balayage.PHRASES[0][1]
    assert f"attention, retours : {listes}" in fait.stdout and f"attention, grille : {listes}" in fait.stdout
    sans_id = next(p for motif, p in balayage.PHRASES if motif.search("Cell is missing an id field"))
    assert f"attention : {sans_id}" in fait.stderr
    terminal = fait.stdout + fait.stderr
    locaux = (str(perso.parents[2]), str(depot), str(Path.home()), sys.prefix, "/tmp/")
    for marque in MARQUES_AVERTISSEMENT + locaux:
        assert marque not in terminal, marque
    _sans_secret({"terminal": terminal})

    textes = _textes_publies(depot)
    assert any(n.endswith("reports/notebooks/retours.ipynb") for n in textes)
    assert any("reports/donnees/retours.xlsx!" in n for n in textes)
    for nom, texte in textes.items():
        for marque in MARQUES_AVERTISSEMENT + locaux:
            if marque == "openpyxl" and nom.endswith(PROPRIETES_CLASSEUR):
                continue
            assert marque.casefold() not in texte.casefold(), (nom, marque)
    _sans_secret(textes)


# --- library errors in a kernel: what reaches the terminal, the state and the audit page ---------------------

def _classeur_feuille_coupee(source: Path, dest: Path) -> Path:
    """A workbook whose first sheet's XML is cut in the middle (a copy interrupted): the zip is sound, openpyxl
    opens it, and fails only when the sheet is read."""
    with zipfile.ZipFile(source) as z:
        membres = {i.filename: z.read(i) for i in z.infolist()}
    feuille = "xl/worksheets/sheet1.xml"
    membres[feuille] = membres[feuille][: len(membres[feuille]) // 2]
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    return dest


def test_les_erreurs_des_bibliotheques_ne_citent_ni_chemin_ni_cellule(depot, tmp_path_factory):
    """A call log pandas' parser refuses (a row wider than the header, holding a resident's comment), a
    questionnaire cut in half (zipfile: not a zip any more) and a grid whose sheet is cut (the XML parser fails
    while openpyxl reads it), each given by absolute path from a user folder: one run, three French failures
    naming the file by its name and the line where one is known; nothing of the folder or of a cell on the
    terminal, in build/ (etat.json, publies/) or on the audit pages."""
    perso = tmp_path_factory.mktemp("poste") / "Users" / DOSSIER_PERSO / "Documents"
    perso.mkdir(parents=True)
    raw = config.ROOT / "data" / "raw"
    lignes = (raw / "journal_appels_exemple.csv").read_text(encoding="utf-8").splitlines()
    journal = perso / "journal.csv"
    journal.write_text("\n".join(lignes[:3] + [lignes[3] + f',"{COMMENTAIRE}"'] + lignes[4:]) + "\n",
                       encoding="utf-8")
    complet = classeur_liste_deroulante(perso / "complet.xlsx", _lignes(raw / "retours_exemple.csv", COMMENTAIRE))
    tronque = perso / "tronque.xlsx"
    tronque.write_bytes(complet.read_bytes()[: complet.stat().st_size // 2])
    coupee = _classeur_feuille_coupee(classeur_liste_deroulante(
        perso / "notes_complet.xlsx", [["repondant", "usage"], [NOM, 3], [TEL, 2]]), perso / "notes.xlsx")

    echec = cli(depot, "run", "appels", "retours", "grille", "--essai", "-p", f"appels.journal={journal}",
                "-p", f"retours.donnees={tronque}", "-p", f"grille.notes={coupee}")
    assert echec.returncode == 1, echec.stdout + echec.stderr
    attendus = {
        "appels": "journal.csv, ligne 4 : une ligne a plus de cellules que l'en-tête de colonnes",
        "retours": "tronque.xlsx : classeur illisible (BadZipFile)",
        "grille": "notes.xlsx (feuille « Réponses ») : feuille illisible, le classeur est peut-être abîmé ou "
                  "tronqué (ParseError)",
    }
    etat = json.loads((depot / "build" / "etat.json").read_text(encoding="utf-8"))
    for rid, debut in attendus.items():
        assert f"  {rid} : {debut}" in echec.stderr, rid
        assert etat[rid]["statut"] == "echec" and etat[rid]["message"].startswith(debut), rid
        audit = texte_visible((depot / "reports" / "audit" / f"{rid}.html").read_text(encoding="utf-8"))
        assert "".join(debut.split()) in "".join(audit.split()), rid  # spaces as the page's typography sets them
    textes = {f"terminal {i}": t for i, t in enumerate((echec.stdout, echec.stderr))}
    textes |= {n: t for n, t in _textes_publies(depot).items() if "/build/" in n or "/reports/audit/" in n}
    for nom, texte in textes.items():
        for marque in (str(perso.parents[2]), str(depot), "Traceback", "site-packages"):
            assert marque not in texte, (nom, marque)
    _sans_secret(textes)


def test_le_message_d_une_exception_du_noyau_est_reduit():
    """The failure of a library's exception in a kernel: its path by file name, its quoted values left out,
    a string this run collected never repeated."""
    from papermill.exceptions import PapermillExecutionError

    from cln_analysis import executeur

    def echec(ename, evalue, collecteur=None):
        return executeur._message_echec(PapermillExecutionError(3, 7, "", ename, evalue, []), collecteur)

    assert echec("FileNotFoundError", f"[Errno 2] No such file or directory: '/tmp/Users/{DOSSIER_PERSO}/x.csv'") \
        == "erreur inattendue dans la cellule 7 du notebook : FileNotFoundError : [Errno 2] No such file or " \
           "directory: « x.csv »"
    assert echec("ValueError", f"could not convert string to float: '{NOM}'") == \
        "erreur inattendue dans la cellule 7 du notebook : ValueError : could not convert string to float: « … »"
    c = balayage.Collecteur()
    c.ajouter(COMMENTAIRE)
    assert echec("KeyError", f"{ADRESSE}", c) == "erreur inattendue dans la cellule 7 du notebook : KeyError " \
                                                 "(détail non reproduit : il citait un chemin local ou une donnée lue)"
    # the runner's own failure (writing, rendering): the same reduction
    assert executeur._message_echec(PermissionError(13, "Permission denied", f"/home/{DOSSIER_PERSO}/x.html")) == \
        "PermissionError : [Errno 13] Permission denied: « x.html »"


# --- warnings of the runner's own process ---------------------------------------------------------------------

def test_les_avertissements_du_lanceur_sont_dits_en_francais(monkeypatch, capsys):
    """A warning raised in the command line's process (here by the `check` command, as nbconvert or nbformat
    would): said in French on the error stream, never its text, file or category; with --debug, as Python
    prints it."""
    from cln_analysis import cli as ligne_de_commande

    def verifier(_args):
        warnings.warn_explicit(f"lu /home/{DOSSIER_PERSO}/x.csv", UserWarning,
                               "/opt/venv/lib/python3.11/site-packages/nbconvert/exporters/html.py", 12)
        return 0

    monkeypatch.setattr(ligne_de_commande, "_check", verifier)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as in the officer's process (the suite turns warnings into errors)
        assert ligne_de_commande.main(["check"]) == 0
        sortie = capsys.readouterr()
        assert sortie.err == ("attention : la bibliothèque nbconvert a émis un avertissement (UserWarning) : "
                              "relancez avec --debug pour le voir.\n")
        assert ligne_de_commande.main(["--debug", "check"]) == 0
        brut = capsys.readouterr().err
    assert "site-packages/nbconvert/exporters/html.py:12: UserWarning: lu /home/" in brut


# --- the suite itself: warnings shown, an unexpected one fails ------------------------------------------------

def test_la_suite_echoue_sur_un_avertissement_inattendu():
    """pytest turns every warning into an error (pyproject's filterwarnings, « error » first), and nothing hides
    them from the runs the tests start: no environment variable, `-W` option or plugin switch that silences
    them in the tests, the Makefile or pyproject.toml, nor in this process's environment."""
    import tomllib

    config_pytest = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    filtres = config_pytest["tool"]["pytest"]["ini_options"]["filterwarnings"]
    # then only known warnings, each by its message (never a whole category: « ignore::UserWarning »)
    assert filtres[0] == "error" and all(f.split(":")[0] == "ignore" and f.split(":")[1].strip() for f in filtres[1:])
    with pytest.raises(UserWarning):
        warnings.warn("inattendu", UserWarning, stacklevel=1)
    interdits = ("PYTHON" + "WARNINGS", "-W " + "ignore", "-W" + "ignore", "--disable-" + "warnings",
                 "no:" + "warnings", "simplefilter(" + '"ignore")')
    fichiers = [*(config.ROOT / "tests").glob("*.py"), config.ROOT / "Makefile", config.ROOT / "pyproject.toml"]
    for f in fichiers:
        texte = f.read_text(encoding="utf-8")
        for mot in interdits:
            assert mot not in texte, (f.name, mot)
    assert "PYTHON" + "WARNINGS" not in os.environ  # the e2e runs inherit this process's environment
