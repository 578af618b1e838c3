"""The typed contract: what a notebook hands the runner and what the state records, through JSON and back."""

import json

import pytest

from cln_analysis.sorties import Entree, EtatRapport, Feuille, FormeInvalide, LigneFigure, Sorties, TableauLong


def _sorties() -> Sorties:
    return Sorties(
        rapport="budget",
        figures=[LigneFigure("budget.2025.total.part", "budget", "Part", 0.0369, "ratio", "a / b", "3,7 %", "match")],
        tableaux={"t.csv": "a,b\n1,2\n"},
        entrees=[Entree("data/raw/x.csv", "Budget", "a" * 64, "UTF-8")],
        classeur={"t": Feuille("Légende", ["A", "B"], [None, "0.0%"], [[1, 0.5], [None, 2]])},
        fictif=True, texte_fictif="Inventé", titre="Titre", cartes=[("budget.2025.total.part", "3,7 %")],
    )


def test_outputs_survive_json_as_a_display_carries_them():
    s = _sorties()
    assert Sorties.depuis_json(json.loads(json.dumps(s.vers_json()))) == s


def test_the_heavy_fields_encoded_first_make_the_same_hand_over():
    # `Rapport.publier` encodes the tables, sheets and long tables before it gathers the charts, then joins them
    t = TableauLong("Lignes", ["Ligne"], [False], [["2", "3"]], [[0, 1, 1]])
    s = _sorties()
    s = Sorties(**{**s.__dict__, "tableaux_longs": {"lignes": t}, "graphiques": {"<!--graphique:g1-->": "<svg/>"},
                   "avertissements": ["Une phrase « française »."]})
    seuls = Sorties("budget", [], s.tableaux, [], classeur=s.classeur, tableaux_longs=s.tableaux_longs)
    joint = s.texte(seuls.texte_lourds())
    assert json.loads(joint) == json.loads(s.texte()) == json.loads(json.dumps(s.vers_json()))
    assert Sorties.depuis_json(json.loads(joint)) == s
    assert "« française »" in joint  # UTF-8 as jupyter_client's encoder writes it, not escaped


def test_a_minimal_payload_takes_the_defaults():
    s = Sorties.depuis_json({"tableaux": {}, "figures": [], "entrees": []})
    assert (s.fictif, s.texte_fictif, s.cartes, s.classeur) == (False, None, [], {})


@pytest.mark.parametrize("donnees", [None, [], {"tableaux": {}}, {"tableaux": {}, "figures": [{"figure_id": "x"}]}])
def test_a_payload_of_the_wrong_shape_is_refused(donnees):
    with pytest.raises(FormeInvalide):
        Sorties.depuis_json(donnees)


def test_a_state_record_survives_json_and_a_wrong_one_is_refused():
    e = EtatRapport("ok", "1 décembre 2026 à 08:00", "2026-12-01T08:00:00+00:00", "", "k",
                    [Entree("data/raw/x.csv", "r", "0" * 64)], {"reports/budget.html": "1" * 64}, 3.2, False,
                    [("budget.2025.total.part", "3,7 %")])
    assert EtatRapport.depuis_json(json.loads(json.dumps(e.vers_json()))) == e
    assert e.ok and not EtatRapport("echec").ok
    for mauvais in ([], {"cle": "k"}, {"statut": "ok", "entrees": 3}, {"statut": "ok", "cartes": [1]}):
        with pytest.raises(FormeInvalide):
            EtatRapport.depuis_json(mauvais)
    assert EtatRapport.depuis_json({"statut": "ok", "inconnu": 1}) == EtatRapport("ok")  # an older field: ignored


def test_a_long_table_survives_json_and_a_code_out_of_its_texts_is_refused():
    t = TableauLong("Lignes", ["Ligne", "Montant"], [False, True], [["2", "3"], ["1 €", "—"]], [[0, 1, 1], [1, 0, 0]])
    s = Sorties("budget", [], {}, [], tableaux_longs={"lignes": t})
    lu = Sorties.depuis_json(json.loads(json.dumps(s.vers_json())))
    assert lu.tableaux_longs == {"lignes": t} and lu.tableaux_longs["lignes"].lignes == 3
    assert TableauLong.marque("lignes") == "<!--tableau-long:lignes-->"
    mauvais = s.vers_json()
    mauvais["tableaux_longs"]["lignes"]["codes"] = [[0, 1, 2], [1, 0, 0]]  # no third text in the first column
    with pytest.raises(FormeInvalide):
        Sorties.depuis_json(mauvais)


def test_a_long_tables_codes_cross_json_as_32_bit_integers_and_a_broken_string_is_refused():
    import base64
    import struct

    t = TableauLong("Lignes", ["Ligne"], [True], [[str(i) for i in range(70_000)]], [[69_999, 0, 65_536]])
    f = Feuille("Lignes", ["Ligne"], [None], [], [list(range(70_000))], t.codes)
    s = Sorties("budget", [], {}, [], classeur={"lignes": f}, tableaux_longs={"lignes": t})
    donnees = json.loads(json.dumps(s.vers_json()))
    # by hand: three little-endian 32-bit integers, base64-encoded, written once; the sheet's codes, the same list,
    # name the same text
    attendu = base64.b64encode(struct.pack("<3i", 69_999, 0, 65_536)).decode("ascii")
    assert donnees["codes"] == [attendu]
    assert donnees["tableaux_longs"]["lignes"]["codes"] == [0] == donnees["classeur"]["lignes"]["codes"]
    relu = Sorties.depuis_json(donnees)
    assert relu == s
    assert relu.classeur["lignes"].codes[0] is relu.tableaux_longs["lignes"].codes[0]  # the same text read once
    for casse in ("pas du base64 !", base64.b64encode(b"\x01\x02\x03").decode("ascii"), 3):  # 3 bytes: no integer
        mauvais = json.loads(json.dumps(s.vers_json()))
        mauvais["codes"] = [casse]
        with pytest.raises(FormeInvalide):
            Sorties.depuis_json(mauvais)
    for index in (1, -1, True, "0", 0.0):  # out of the hand-over's codes, or not an index
        mauvais = json.loads(json.dumps(s.vers_json()))
        mauvais["tableaux_longs"]["lignes"]["codes"] = [index]
        with pytest.raises(FormeInvalide):
            Sorties.depuis_json(mauvais)


def test_a_coded_sheet_of_unexpected_shape_is_refused():
    ok = Feuille("L", ["a", "b"], [None, None], [], [["x", None], [1]], [[0, 1, 0], [0, 0, 0]])
    assert ok.rangees() == [["x", 1], [None, 1], ["x", 1]] and ok.nombre_de_lignes == 3
    for distinctes, codes in (([["x"], [1]], [[0, 1, 0], [0, 0, 0]]),  # a code beyond its column's cells
                              ([["x"], [1]], [[0, 0], [0, 0, 0]]),  # columns of different lengths
                              ([["x"]], [[0], [0]])):  # a column without its cells
        with pytest.raises(FormeInvalide):
            Feuille("L", ["a", "b"], [None, None], [], distinctes, codes)
    with pytest.raises(FormeInvalide):  # rows and codes both
        Feuille("L", ["a"], [None], [["x"]], [["x"]], [[0]])


def test_codes_are_kept_as_32_bit_integers_and_checked_against_their_texts():
    # a list given is converted once, an array kept (a column the sheet shares with its long table stays one); the
    # range check (numpy over the array's bytes) agrees with Python's min and max on every column tried
    import random
    from array import array

    t = TableauLong("L", ["a"], [False], [["x", "y"]], [[1, 0, 1]])
    assert isinstance(t.codes[0], array) and t.codes[0].typecode == "i" and t.codes[0].tolist() == [1, 0, 1]
    f = Feuille("L", ["a"], [None], [], [["x", "y"]], t.codes)
    assert f.codes[0] is t.codes[0]
    hasard = random.Random(26)
    for _ in range(200):
        n = hasard.randint(1, 5)
        colonne = [hasard.randint(-2, n + 1) for _ in range(hasard.randint(1, 6))]
        attendu_ok = min(colonne) >= 0 and max(colonne) < n
        textes = [str(i) for i in range(n)]
        try:
            TableauLong("L", ["a"], [False], [textes], [colonne])
            lu_ok = True
        except FormeInvalide:
            lu_ok = False
        assert lu_ok == attendu_ok, (colonne, n)
    for mauvais in (["0"], [0.5], [2**40], b"\0\0\0\0", bytearray(4), "0", b"\0\0\0"):  # not 32-bit integers
        with pytest.raises(FormeInvalide):
            TableauLong("L", ["a"], [False], [["x"]], [mauvais])
    vide = TableauLong("L", ["a"], [False], [[]], [[]])  # no row: nothing to check
    assert vide.lignes == 0
