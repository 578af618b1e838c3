"""Personal strings handed by the readers to the run's collector (`cln_analysis.lecture.collecte`), in memory."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from cln_analysis import donnees, feuilles, questionnaire
from cln_analysis.lecture import Collecteur, collecter, signaler
from cln_analysis.lecture.collecte import courant

SECRET = "Mme Dupont 06 12 34 56 78"


def test_nothing_is_collected_outside_a_run():
    assert courant() is None
    signaler([SECRET])  # no collector: nothing happens, nothing is kept
    with collecter() as c:
        assert courant() is c and len(c) == 0
        signaler([SECRET, " oui ", "M.", SECRET])
    assert courant() is None
    assert len(c) == 1 and c.contient(SECRET) and not c.contient("oui")
    assert c.trouver(f"<p>Merci {SECRET} !</p>") == [SECRET] and c.trouver("<p>rien</p>") == []


def test_a_salted_collector_keeps_hashes_only():
    sel = b"sel-de-ce-run"
    with collecter(Collecteur(sel=sel)) as c:
        signaler([SECRET])
    attendu = hashlib.blake2b(SECRET.encode(), key=sel, digest_size=16).hexdigest()
    assert c._empreintes == {attendu} and c.contient(SECRET)
    with pytest.raises(ValueError):
        c.trouver(SECRET)


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
