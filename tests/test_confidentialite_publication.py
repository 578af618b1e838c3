"""Nothing personal or local ever published (issue 23): the last scan, paths, warnings, interruptions, stray files.

Each case uses inputs holding a fake name, phone number, address and IP address, given from a user folder
outside the repository; afterwards every file under reports/, data/processed/ and build/ (every workbook
unzipped) and the terminal output are searched for them.
"""

from __future__ import annotations

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
from conftest import cli
from test_balayage import classeur_liste_deroulante

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


def test_la_derniere_verification_arrete_la_publication(tmp_path, monkeypatch):
    """A staged page holding a string a kernel collected, a local path or a warning: nothing is swapped in, the
    message names the output and the kind of leak, never what leaked."""
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
            lot.fichier(cible, f"<html>{contenu}</html>")
            (prepare, _), = lot.prepares()
            assert config.REPORTS_DIR not in prepare.parents and prepare.suffix == ".html"  # staged outside reports/
            fuites = publication.verifier_avant_publication(lot, {}, coureur)
        assert balayage.Fuite("reports/audit/retours.html", nature) in fuites, contenu
        message = publication.FuitesTrouvees(fuites).args[0]
        assert "reports/audit/retours.html n'est pas publié" in message
        for s in SECRETS:
            assert s not in message
        assert cible.read_text(encoding="utf-8") == "<html>avant</html>"
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


@pytest.mark.parametrize("moment", ["premier noyau lancé", "premier rapport publié"])
def test_sigterm_puis_kill_9_ne_laissent_rien_dans_reports(depot_copie, moment):
    """Case 4: SIGTERM behaves as Ctrl-C (French notice, exit 143); `kill -9` at a moment of the staging (the
    events of the run's own output, no sleep); the next plain run leaves reports/ with exactly the files of a
    clean run, and nothing staged."""
    depot = depot_copie
    propre = _fichiers(depot)
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(depot))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, "-m", "cln_analysis", "run", "--force", "--jobs", "2"], cwd=depot,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
