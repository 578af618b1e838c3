"""The rerun state's integrity: a record edited by hand is no record, a lock in the way is a French message."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from cln_analysis import cli, config, etat
from cln_analysis.sorties import EtatRapport, FormeInvalide


@pytest.fixture
def racine(tmp_path):
    previous = config.definir_racine(tmp_path)
    yield tmp_path
    config.definir_racine(previous)


BON = {"statut": "ok", "date": "1 décembre 2026", "date_iso": "2026-12-01", "message": "", "cle": "abc",
       "entrees": [{"chemin": "data/raw/a.csv", "role": "r", "sha256": "00", "lecture": ""}],
       "sorties": {"reports/a.html": "11"}, "duree": 2.5, "fictif": False, "cartes": [["a.b", "3 %"]]}


@pytest.mark.parametrize("champ, valeur", [("duree", "longue"), ("duree", True), ("cartes", 5), ("sorties", []),
                                           ("fictif", "non"), ("cle", 3), ("date", 12), ("entrees", {}),
                                           ("entrees", [{"chemin": 5, "role": "r", "sha256": "0"}])])
def test_a_field_of_the_wrong_type_is_no_record(racine, champ, valeur):
    assert EtatRapport.depuis_json(BON).duree == 2.5
    with pytest.raises(FormeInvalide):
        EtatRapport.depuis_json(BON | {champ: valeur})
    config.STATE_FILE.parent.mkdir(parents=True)
    config.STATE_FILE.write_text(json.dumps({"budget": BON | {champ: valeur}, "cvs": BON}), encoding="utf-8")
    assert list(etat.lire()) == ["cvs"]  # the edited record is dropped: its report is redone


def test_a_lock_that_is_a_directory_is_a_french_message(racine):
    config.STATE_LOCK.mkdir(parents=True)
    with pytest.raises(etat.VerrouIllisible, match="est un dossier"):
        etat.verrou()


def test_the_lock_is_taken_and_released(racine):
    lock = etat.verrou()
    assert lock.is_locked
    lock.release()


def test_a_huge_limit_is_a_usage_error(capsys):
    assert cli.main(["run", "--limite", str(10**30)]) == 2
    err = capsys.readouterr().err
    assert "--limite attend au plus 604\u202f800 secondes" in err  # 7 × 24 × 3600, by hand


def test_the_console_handler_replaces_what_cp1252_lacks():
    flux = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    flux.reconfigure(errors="cln-console")
    flux.write("appels reçus (10) \u2260 résolus (9) ; 1\u202f500 appels, \u22122 \u2603")
    flux.flush()
    assert flux.buffer.getvalue().decode("cp1252") == "appels reçus (10) <> résolus (9) ; 1\u00a0500 appels, -2 ?"


def test_messages_print_on_a_cp1252_console(tmp_path):
    code = ("import sys; from cln_analysis import cli; cli.console_sure(); "
            "print('appels reçus (10) \u2260 résolus (9)', file=sys.stderr); print('1\u202f500')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         env={"PYTHONIOENCODING": "cp1252", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr.decode("cp1252").strip() == "appels reçus (10) <> résolus (9)"
    assert res.stdout.decode("cp1252").strip() == "1\u00a0500"


@pytest.mark.e2e
def test_a_figure_edited_by_hand_in_the_state_never_reaches_the_index(depot_copie):
    from conftest import cli

    chemin = depot_copie / "build/etat.json"
    data = json.loads(chemin.read_text(encoding="utf-8"))
    fid, vrai = data["budget"]["cartes"][0]
    data["budget"]["cartes"][0] = [fid, "1\u202f234\u202f567"]
    chemin.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = cli(depot_copie, "run", "budget")
    assert res.returncode == 0, res.stderr
    index = (depot_copie / "reports/index.html").read_text(encoding="utf-8")
    assert "1\u202f234\u202f567" not in index and "1 234 567" not in index
    page = (depot_copie / "reports/budget.html").read_text(encoding="utf-8")
    assert f'data-chiffre="{fid}">{vrai}<' in page  # what the published page prints
    assert f'data-chiffre="{fid}">{vrai}<' in index  # the card shows what the page prints
