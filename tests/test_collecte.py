"""Personal strings handed by the readers to the run's collector (`cln_analysis.lecture.collecte`), in memory."""

from __future__ import annotations

import csv
import hashlib
import io

from cln_analysis import balayage, donnees, feuilles, questionnaire
from cln_analysis.lecture import Collecteur, collecte, collecter, signaler
from cln_analysis.lecture.collecte import courant

SECRET = "Mme Dupont 06 12 34 56 78"


def test_nothing_is_collected_outside_a_run():
    assert courant() is None
    signaler([SECRET])  # no collector: nothing happens, nothing is kept
    with collecter() as c:
        assert courant() is c and len(c) == 0
        signaler([SECRET, " oui ", "M.", SECRET])
    assert courant() is None
    assert c and c.contient(f"<p>Merci {SECRET} !</p>") and not c.contient("oui") and not c.contient("<p>rien</p>")
    assert c.contient("le 0612345678")  # the same number, spelt otherwise


def test_one_collector_class_and_the_kernels_hashes_reach_the_runner():
    """The reading layer's collector is the scan's; a kernel's collector of the run's salt hands hashes only,
    which the runner's collector of the same salt finds — one of another salt does not."""
    assert Collecteur is balayage.Collecteur
    sel = b"sel-de-ce-run-16"
    with collecter(Collecteur(sel=sel)) as noyau:
        signaler([SECRET])
    envoi = noyau.exporter()
    texte = repr(envoi)
    assert "upont" not in texte and "12 34" not in texte
    # its first run of four words, normalised, as a salted BLAKE2b of 8 bytes
    attendu = int.from_bytes(hashlib.blake2b(b"mme dupont 06 12", key=sel, digest_size=8).digest(), "big")
    assert attendu in envoi["suites"]
    coureur = Collecteur(sel=sel)
    coureur.fusionner(envoi)
    assert coureur.trouve("Appeler MME DUPONT 06.12.34.56.78") and not coureur.trouve("Mme Durand 06 12 34 56 79")
    autre = Collecteur(sel=b"un-autre-sel-16b")
    autre.fusionner(envoi)
    assert not autre.trouve(SECRET)


def test_a_kernel_collects_for_its_whole_process(monkeypatch):
    monkeypatch.setattr(collecte, "_PROCESSUS", [])
    c = collecte.collecter_dans_le_processus(Collecteur(sel=b"0123456789abcdef"))
    assert courant() is c
    signaler(["Jeanne Martin"])
    assert c.trouve("jeanne   MARTIN")


def test_the_grid_hands_its_members_names_and_comments(tmp_path):
    crit = donnees.charger("grille_criteres").sort_values("ordre")
    cols = feuilles.colonnes_notes(crit)
    row = ["Zoé Secrète"] + sum(([str(i % 5), f"COMMENTAIRE {i}"] for i in range(len(crit))), [])
    out = io.StringIO()
    csv.writer(out).writerows([cols, row])
    p = tmp_path / "notes.csv"
    p.write_text(out.getvalue(), encoding="utf-8")
    with collecter() as c:
        notes = feuilles.lire_notes(p, crit)
    assert list(notes.index) == ["M0001"]
    assert c.contient("Zoé Secrète") and c.contient("COMMENTAIRE 3") and not c.contient("3")
    assert not c.contient(crit["titre"].iloc[0])  # a title is not personal


def test_the_questionnaire_hands_its_comments(tmp_path):
    from test_questionnaire import COLONNES, LIGNES
    from test_questionnaire import SECRET as COMMENTAIRE

    out = io.StringIO()
    csv.writer(out).writerows([COLONNES, *LIGNES])
    p = tmp_path / "retours.csv"
    p.write_text(out.getvalue(), encoding="utf-8")
    with collecter() as c:
        q = questionnaire.lire(p)
    assert q.commentaires >= 1 and c.contient(COMMENTAIRE)
    assert not c.contient("téléphone")  # an answer from a list is not personal: only the comments go
