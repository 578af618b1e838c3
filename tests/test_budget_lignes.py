"""Budget lines in the SCDL « Budget » format and the digital perimeter: each rule on a small file computed by hand.

The small files follow the SCDL « Budget » schema 0.8.3 (schema.data.gouv.fr, scdl/budget: field names, the enums
« compte administratif » / « budget primitif », « réel » / « ordre », « dépense » / « recette »), shipped in
data/raw/schemas/scdl_budget.json; the lower-case headers are those of the data.gouv.fr tabular export.
"""

from __future__ import annotations

import csv
import hashlib
import html
import importlib.util
import pickle
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import frictionless
import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import REPO

from cln_analysis import budget, budget_lignes, formats
from cln_analysis import rapport as rapport_module
from cln_analysis.erreurs import ErreurDonnees
from cln_analysis.rapport import Rapport

ENTETE = ["BGT_NATDEC", "BGT_ANNEE", "BGT_SIRET", "BGT_NOM", "BGT_CONTNAT", "BGT_CONTNAT_LABEL", "BGT_NATURE",
          "BGT_NATURE_LABEL", "BGT_FONCTION", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "BGT_MTREAL", "BGT_MTPREV",
          "direction"]
SIRET = "21590512800016"


def L(etape="compte administratif", annee="2025", compte="6156", fonction="020", section="fonctionnement",
      op="réel", sens="dépense", real="", prev="", direction="DSI", siret=SIRET):
    return [etape, annee, siret, "Ville test", compte, "Compte", compte[:2], "Chapitre", fonction, section, op, sens,
            real, prev, direction]


def ecrire(path: Path, rows, entete=ENTETE, sep=",", encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=sep, lineterminator="\r\n" if sep == ";" else "\n")
        w.writerow(entete)
        w.writerows(rows)
    return path


PERIM_ENTETE = ["id", "categorie_id", "categorie", "direction", "BGT_CONTNAT", "BGT_SECTION", "part", "justification"]


def perim(path: Path, rows, entete=PERIM_ENTETE) -> budget_lignes.Perimetre:
    ecrire(path, rows, entete)
    return budget_lignes.lire_perimetre(path)


#: One investment line, for a file whose test is about operating lines (each section needs real spending).
INVEST = L(section="investissement", compte="2051", fonction="810", real="10")

# A hand-computed file: 2 real DSI operating lines (1000 + 500), one DSI ordre line (9999, never summed), one
# recette (7777, never summed), one other direction's line (3000), one invest DSI line (200), one schools line
# 2183 / 212 (400), a budget primitif line (50 000).
LIGNES = [
    L(real="1000"), L(compte="6262", real="500"),
    L(op="ordre", compte="6811", real="9999"),
    L(sens="recette", compte="7411", real="7777"),
    L(direction="Voirie", compte="611", real="3000"),
    L(section="investissement", compte="2051", real="200"),
    L(section="investissement", compte="2183", fonction="212", direction="Éducation", real="400"),
    L(etape="budget primitif", prev="50000"),
]
REGLES = [
    ["R1", "dsi_fonctionnement", "DSI fonctionnement", "DSI", "", "fonctionnement", "", "Direction des SI."],
    ["R2", "dsi_investissement", "DSI investissement", "DSI", "", "investissement", "", "Direction des SI."],
    ["R3", "ecoles", "Écoles", "", "218*", "investissement", "", "Matériel informatique."],
]


@pytest.fixture
def cas(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "lignes.csv", LIGNES))
    p = perim(tmp_path / "perimetre.csv", REGLES)
    return lignes, p, budget_lignes.calculer(lignes, p, 2025)


def test_ordre_and_recettes_are_excluded_and_the_totals_take_the_shape_budget_parts_reads(cas):
    _, _, res = cas
    m = res.mandate.set_index("section")
    # by hand: digital operating 1000 + 500; total operating 1000 + 500 + 3000 (ordre 9999 and recette 7777 out)
    assert m.loc["fonctionnement", "budget_numerique"] == 1500
    assert m.loc["fonctionnement", "budget_total"] == 4500
    assert m.loc["investissement", "budget_numerique"] == 600  # 200 + 400 (prefix 218*)
    assert m.loc["investissement", "budget_total"] == 600
    parts = budget.parts(res.mandate, 2025).set_index("section")
    assert parts.loc["total", "part_numerique"] == pytest.approx(2100 / 5100)
    assert len(res.ordre) == 1
    assert res.primitif.to_dict("records") == [{"annee": 2025, "montant_vote": 50000}]


def test_the_lines_coded_once_select_what_pandas_selects_and_the_reader_codes_every_text_column(cas):
    lignes, _, _ = cas
    t = lignes.table
    texte = [c for c in t.columns if c != "ligne" and t[c].dtype != "float64" and t[c].dtype != "int64"]
    assert sorted(lignes._codes) == sorted(texte)  # coded by the reader (ahead, in a child, when read ahead)
    for colonne, valeur in (("BGT_OPBUDG", "ordre"), ("BGT_CODRD", "recette"), ("direction", "DSI"),
                            ("BGT_CONTNAT", "2183"), ("direction", "absente")):
        attendu = (t[colonne] == valeur).to_numpy()  # pandas, cell by cell
        assert lignes.egal(colonne, valeur).tolist() == attendu.tolist()
    # by hand: one ordre line; every line but Voirie's and Éducation's is the DSI's
    assert lignes.egal("BGT_OPBUDG", "ordre").sum() == 1 and lignes.egal("direction", "DSI").sum() == 6


def test_the_results_handed_over_by_a_read_ahead_are_the_results_computed(cas):
    # what `charger` pickles in a child: every table as it was, an empty one included (a year without ordre line)
    _, _, res = cas
    res.ordre = res.ordre.iloc[:0]
    res.numeriques.attrs["essai"] = "gardé"
    repris = pickle.loads(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301 (written just above)
    for champ in ("mandate", "primitif", "numeriques", "ordre", "regles", "attribuees"):
        a, b = getattr(repris, champ), getattr(res, champ)
        pd.testing.assert_frame_equal(a, b, check_exact=True)  # values, dtypes, index, order
        assert a.attrs == b.attrs, champ
    assert len(res.numeriques) == 4 and repris.numeriques.attrs["essai"] == "gardé"  # by hand: R1 2, R2 1, R3 1
    assert (repris.annee, repris.annees, repris.incompletes) == (res.annee, res.annees, res.incompletes)
    etat = res.__getstate__()  # no text cell crosses: each text column as its codes
    assert all(t.kind in "ifb" for t in etat["numeriques"].reste.dtypes)


def test_the_lines_handed_over_by_a_read_ahead_are_the_lines_read(tmp_path):
    # what a read ahead pickles (`prelecture`): text columns as their codes; loaded back, the same table
    path = ecrire(tmp_path / "l.csv", LIGNES)
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].rsplit(",", 1)[0]  # a short row: its last cell missing
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    lignes = budget_lignes.lire_lignes(path)
    lignes.table.attrs["essai"] = "gardé"
    octets = pickle.dumps(lignes, protocol=pickle.HIGHEST_PROTOCOL)
    repris = pickle.loads(octets)  # noqa: S301 (written just above)
    pd.testing.assert_frame_equal(repris.table, lignes.table, check_exact=True)  # values, dtypes, index, order
    assert repris.table.attrs == lignes.table.attrs and repris.table.attrs["essai"] == "gardé"
    assert list(repris.table.dtypes) == list(lignes.table.dtypes)
    assert (repris.fichier, repris.description, repris.colonnes_ville) == (
        lignes.fichier, lignes.description, lignes.colonnes_ville)
    for c in lignes._codes:  # the codes travel with it, not computed again
        assert [a.tolist() for a in repris.codes(c)] == [a.tolist() for a in lignes.codes(c)]
    assert repris.egal("direction", "DSI").tolist() == (lignes.table["direction"] == "DSI").tolist()
    # what crosses: the numbers as they are, each text column as its codes (no string a cell)
    codee = lignes.__getstate__()["_a_batir"]
    assert sorted(codee.textes) == sorted(lignes._codes)
    assert all(codee.reste[c].dtype.kind in "if" for c in codee.reste.columns)
    # loaded back, the table is built only when asked for: the rows a report takes and its numbers need not
    paresseux = pickle.loads(octets)  # noqa: S301 (written just above)
    positions = np.array([2, 0, 2])
    pd.testing.assert_frame_equal(paresseux.rangees(positions), lignes.table.take(positions), check_exact=True)
    pd.testing.assert_series_equal(paresseux.colonne("BGT_MTREAL"), lignes.table["BGT_MTREAL"])
    assert paresseux.colonnes == list(lignes.table.columns)
    assert "table" not in paresseux.__dict__  # nothing above built it
    again = pickle.loads(pickle.dumps(paresseux))  # noqa: S301 (handed over again unbuilt: the same lines)
    pd.testing.assert_frame_equal(again.table, lignes.table, check_exact=True)
    pd.testing.assert_frame_equal(paresseux.table, lignes.table, check_exact=True)
    assert "table" in paresseux.__dict__ and paresseux.table is paresseux.table  # built once
    pd.testing.assert_frame_equal(paresseux.rangees(positions), lignes.table.take(positions), check_exact=True)


@pytest.mark.parametrize("forme", ["csv", "excel"])
def test_each_text_columns_codes_are_its_cells(tmp_path, forme):
    # the codes the reader keeps (from the reading layer's, not the cells again) give back every cell of the table,
    # each distinct value once and held by a row: enums written in capitals, spaces around a cell, a blank row, an
    # Excel file with a short row, a SIRET Excel lost its zeros from
    rows = [L(real="1000"), L(etape="Compte Administratif", op="RÉEL", direction=" DSI ", real="5"),
            ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            L(direction="Voirie", real="3"), L(etape="budget primitif", prev="50000")]
    if forme == "excel":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(ENTETE)
        for r in rows:
            ws.append([int(SIRET) if v == SIRET else v for v in r])
        ws.append(L(real="7")[:-1])  # a short row: its last cell missing
        chemin = tmp_path / "lignes.xlsx"
        wb.save(chemin)
    else:
        chemin = ecrire(tmp_path / "lignes.csv", rows + [L(real="7")[:-1]])
    lignes = budget_lignes.lire_lignes(chemin)
    textes = [c for c in lignes.table.columns if c != "ligne" and pd.api.types.is_string_dtype(lignes.table[c])]
    assert "BGT_NATDEC" in textes and "direction" in textes
    for c in textes:
        codes, valeurs = lignes._codes[c]
        assert list(pd.Series(valeurs[codes], dtype=object)) == list(lignes.table[c].astype(object)), c
        assert len(set(valeurs)) == len(valeurs) and set(codes.tolist()) == set(range(len(valeurs))), c
    assert set(lignes.table["BGT_NATDEC"]) == {"compte administratif", "budget primitif"}
    assert set(lignes.table["direction"]) == {"DSI", "Voirie", ""} and set(lignes.table["BGT_SIRET"]) == {SIRET}


def test_a_budget_primitif_without_voted_amounts_gives_no_voted_budget(tmp_path):
    # the optional BGT_MTPREV absent: the budget primitif's lines are there, but nothing says what was voted
    sans = [c for c in ENTETE if c != "BGT_MTPREV"]
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", [r[:13] + r[14:] for r in LIGNES], sans))
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.primitif.empty and res.mandate.set_index("section").loc["fonctionnement", "budget_total"] == 4500
    # voted 0: no budget to divide by either
    zero = [*LIGNES[:-1], L(etape="budget primitif", prev="0")]
    res = budget_lignes.calculer(budget_lignes.lire_lignes(ecrire(tmp_path / "z.csv", zero)),
                                 perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.primitif.empty


def test_mandated_amounts_all_empty_are_refused_naming_the_column(tmp_path):
    vides = [L(real=""), L(compte="6262", real=""), L(etape="budget primitif", prev="50000")]
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", vides))
    with pytest.raises(ErreurDonnees) as e:
        budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert "BGT_MTREAL" in str(e.value) and "vides ou nuls" in str(e.value)


def test_a_section_without_spending_is_refused_in_the_lines_terms_and_a_year_before_only_loses_its_evolution(
        tmp_path):
    sans_invest = [L(real="1000"), L(compte="6262", real="500")]  # 2025: operating only
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", sans_invest))
    with pytest.raises(ErreurDonnees) as e:
        budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert str(e.value).startswith("l.csv, colonne « BGT_SECTION » : aucune dépense réelle d'investissement au "
                                   "compte administratif 2025")
    assert "budget_total" not in str(e.value) and "ligne" not in str(e.value).split(" : ")[0]
    # the same gap in 2024 only: 2025 is reported, without 2024 (no share, no evolution), and says why
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l2.csv", [
        *LIGNES, L(annee="2024", real="800")]))
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.annees == [2025] and res.incompletes == {2024: ["investissement"]}
    assert sorted(res.mandate["annee"].unique()) == [2025]
    assert budget_lignes.evolution(res) is None
    assert "budget.2025.evolution.total.part" not in {c["figure_id"] for c in budget_lignes.chiffres(res)}
    from rapport_factice import RapportFactice

    from cln_analysis.textes import budget as textes

    src = budget.Sources(res.mandate, res.primitif, lignes, perim(tmp_path / "p.csv", REGLES), res)
    page = html.unescape("".join(textes.evolution(RapportFactice(), 2025, src)))
    assert "Évolution de 2024 à 2025" in page
    assert "Le fichier des lignes a le compte administratif 2024, mais aucune dépense réelle d'investissement" in page
    assert "ne peut pas être calculée, ni donc son évolution" in page and "<table" not in page


@pytest.mark.parametrize("nom", ["montant", "montant_ligne", "Part", "regle", "ligne"])
def test_a_city_column_named_as_a_column_the_report_adds_is_refused(tmp_path, nom):
    rows = [[*r, "1"] for r in LIGNES]
    with pytest.raises(ErreurDonnees) as e:
        budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", rows, [*ENTETE, nom]))
    message = str(e.value)
    assert f"colonne « {nom} » : nom réservé aux colonnes que le rapport ajoute à chaque ligne (colonne 16 du " \
           "fichier)" in message and f"« {nom}_ville »" in message


def test_prefix_match_catches_2183_and_an_exact_value_does_not_catch_a_longer_code(cas, tmp_path):
    lignes, _, res = cas
    r3 = res.numeriques[res.numeriques["regle"] == "R3"]
    assert r3["BGT_CONTNAT"].tolist() == ["2183"]
    exact = perim(tmp_path / "p2.csv", [["R3", "ecoles", "Écoles", "", "218", "", "", "Exact."]])
    assert budget_lignes.calculer(lignes, exact, 2025).numeriques.empty


def test_pro_rata_counts_the_part_and_decimal_comma_is_accepted(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", [["R1", "telecom", "Télécoms", "", "6262", "", "0,5", "Moitié numérique."]])
    res = budget_lignes.calculer(lignes, p, 2025)
    assert res.numeriques["montant"].tolist() == [250.0]  # 500 × 0,5
    assert res.regles.loc[0, "lignes"] == 1 and res.regles.loc[0, "montant"] == 250.0


def test_a_half_cent_of_a_pro_rata_is_shown_alike_for_the_line_its_rule_and_its_category(tmp_path):
    # 101,01 € × 0,5 = 50,505 € exactly; the one rounding rule (half away from zero) prints 50,51 € for the line, and
    # so for its rule and its category, which hold that line alone (the rule's sum was rounded to the cent on its
    # binary value, half to even: 50,50 €); 0,10 € + 0,20 € shows 0,30 € (no float noise in the sum)
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", [
        L(compte="6262", real="101.01"), L(compte="6156", real="0.1"), L(compte="6156", real="0.2"), INVEST]))
    p = perim(tmp_path / "p.csv", [["R1", "telecom", "Télécoms", "", "6262", "", "0,5", "Moitié numérique."],
                                   ["R2", "logiciels", "Logiciels", "", "6156", "", "", "Maintenance."]])
    res = budget_lignes.calculer(lignes, p, 2025)
    exact = Decimal("101.01") * Decimal("0.5")
    assert exact == Decimal("50.505")
    ligne = res.numeriques.loc[res.numeriques["regle"] == "R1", "montant"].iloc[0]
    regle = res.regles.set_index("regle").loc["R1", "montant"]
    categorie = budget_lignes.par_categorie(res).set_index("categorie_id").loc["telecom", "montant"]
    assert {formats.euros(v, 2) for v in (ligne, regle, categorie)} == {"50,51\u00a0€"}
    assert formats.euros(res.regles.set_index("regle").loc["R2", "montant"], 2) == "0,30\u00a0€"
    figures = {c["figure_id"]: c["value"] for c in budget_lignes.chiffres(res)}
    assert Decimal(repr(figures["budget.2025.categorie.telecom.montant"])) == exact


def test_a_rule_a_lost_leading_zero_keeps_from_its_lines_is_named_never_corrected(tmp_path):
    # the lines' function 020 saved by Excel as the number 20: rules on 020 and on 02* catch nothing and are named,
    # with the value the lines hold; a rule on 999 (nothing near) is only listed; 212 catches its line
    entete = ["id", "categorie_id", "categorie", "BGT_FONCTION", "part", "justification"]

    def regles(*fonctions):
        return perim(tmp_path / "p.csv", [[f"R{i}", f"c{i}", f"C{i}", v, "", "Règle."]
                                          for i, v in enumerate(fonctions, 1)], entete)

    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", [
        L(fonction="20", compte="6156", real="100"), L(fonction="212", compte="2183", real="50"),
        INVEST]))
    p = regles("020", "02*", "999", "212")
    res = budget_lignes.calculer(lignes, p, 2025)
    sans = budget_lignes.regles_sans_ligne(res)
    assert sans == ["R1", "R2", "R3"]
    zeros = budget_lignes.zeros_perdus(lignes, p, sans)
    assert set(zeros) == {"R1", "R2"}
    assert "aucune valeur de BGT_FONCTION ne vaut « 020 », mais le fichier des lignes a « 20 »" in zeros["R1"]
    assert "ne commence par « 02 »" in zeros["R2"] and "« 20 »" in zeros["R2"]
    assert "format Texte" in zeros["R1"]
    # the converse: the perimeter's workbook lost the zero (« 20 »), the lines kept it (« 020 »)
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l2.csv", [L(fonction="020", real="100"), INVEST]))
    p = regles("20", "020")
    zeros = budget_lignes.zeros_perdus(lignes, p, budget_lignes.regles_sans_ligne(budget_lignes.calculer(lignes, p,
                                                                                                          2025)))
    assert list(zeros) == ["R1"] and "ne vaut « 20 », mais le fichier des lignes a « 020 »" in zeros["R1"]


def test_a_line_shared_by_two_rules_within_1_is_counted_once_each(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", [["A", "a", "A", "", "6262", "", "0,4", "x."],
                                   ["B", "b", "B", "DSI", "6262", "", "0.6", "y."]])
    res = budget_lignes.calculer(lignes, p, 2025)
    assert sorted(res.numeriques["montant"].round(6).tolist()) == [200.0, 300.0]


def test_double_count_is_refused_naming_both_rules(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", REGLES + [["R9", "autre", "Autre", "DSI", "6156", "", "", "Doublon."]])
    with pytest.raises(ErreurDonnees) as e:
        budget_lignes.calculer(lignes, p, 2025)
    texte = str(e.value)
    assert "« R1 »" in texte and "« R9 »" in texte and "ligne 2 " in texte and "p.csv" in texte


def test_a_rule_catching_no_line_is_listed(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", REGLES + [["R4", "rien", "Rien", "Culture", "", "", "", "Aucune ligne."]])
    res = budget_lignes.calculer(lignes, p, 2025)
    assert budget_lignes.regles_sans_ligne(res) == ["R4"]


def test_a_filter_column_missing_from_the_lines_is_refused_naming_file_and_column(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", [["R1", "x", "X", "DSI", "", "y."]],
              ["id", "categorie_id", "categorie", "service", "part", "justification"])
    with pytest.raises(ErreurDonnees, match=r"l\.csv, colonne « service »"):
        budget_lignes.calculer(lignes, p, 2025)


@pytest.mark.parametrize("part", ["0", "1,5", "abc", "-0,2"])
def test_a_part_outside_0_1_is_refused(tmp_path, part):
    with pytest.raises(ErreurDonnees, match=r"ligne 2, colonne « part »"):
        perim(tmp_path / "p.csv", [["R1", "x", "X", "DSI", "", "", part, "y."]])


def test_a_rule_without_justification_is_refused(tmp_path):
    with pytest.raises(ErreurDonnees, match=r"ligne 3, colonne « justification »"):
        perim(tmp_path / "p.csv", [REGLES[0], ["R2", "x", "X", "DSI", "", "", "", ""]])


def test_wrong_year_is_refused_with_the_years_present(tmp_path):
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", LIGNES))
    p = perim(tmp_path / "p.csv", REGLES)
    with pytest.raises(ErreurDonnees, match=r"colonne « BGT_ANNEE » : aucune ligne pour l'année 2026 — années "
                                            r"présentes : 2025"):
        budget_lignes.calculer(lignes, p, 2026)


def test_two_sirets_are_refused_naming_the_row(tmp_path):
    rows = LIGNES + [L(real="1", siret="21590512800099")]
    lignes = budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", rows))
    with pytest.raises(ErreurDonnees, match=r"l\.csv, ligne 10, colonne « BGT_SIRET »"):
        budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)


def test_excel_semicolon_cp1252_decimal_comma_reads_like_the_published_file(tmp_path):
    rows = [r[:] for r in LIGNES]
    rows[0][12] = "1000,25"  # decimal comma as Excel writes it
    xl = budget_lignes.lire_lignes(ecrire(tmp_path / "xl.csv", rows, sep=";", encoding="cp1252"))
    assert xl.table.loc[0, "BGT_MTREAL"] == 1000.25
    assert xl.table.loc[6, "direction"] == "Éducation"
    assert "Windows-1252" in xl.description and "point-virgule" in xl.description
    res = budget_lignes.calculer(xl, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.mandate.set_index("section").loc["fonctionnement", "budget_numerique"] == 1500.25


def test_a_point_in_a_decimal_comma_file_is_refused_as_ambiguous(tmp_path):
    rows = [r[:] for r in LIGNES]
    rows[0][12], rows[1][12] = "1,5", "1.234"
    with pytest.raises(ErreurDonnees, match=r"ligne 3, colonne « BGT_MTREAL » : « 1.234 »"):
        budget_lignes.lire_lignes(ecrire(tmp_path / "xl.csv", rows, sep=";"))


def test_lower_case_headers_bom_and_empty_optional_cells(tmp_path):
    entete = [h.lower() if h.startswith("BGT") else h for h in ENTETE]
    path = ecrire(tmp_path / "export.csv", LIGNES, entete, encoding="utf-8-sig")
    lignes = budget_lignes.lire_lignes(path)
    assert "BGT_NATDEC" in lignes.table and "BGT_MTREAL" in lignes.table
    assert lignes.colonnes_ville == ["direction"]
    assert lignes.table.loc[0, "BGT_FONCTION"] == "020"  # a code, not a number: its leading zero kept
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.mandate["budget_numerique"].sum() == 2100
    minuscules = [c.lower() if c.startswith("BGT") else c for c in PERIM_ENTETE]
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p2.csv", REGLES, minuscules), 2025)
    assert res.mandate["budget_numerique"].sum() == 2100


def test_a_short_row_reads_its_missing_cells_as_empty_and_spaces_around_cells_are_dropped(tmp_path):
    path = ecrire(tmp_path / "l.csv", LIGNES)
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].rsplit(",", 1)[0]  # line 2 without its last cell (direction)
    text[2] = text[2].replace(",500,", ", 500 ,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    t = budget_lignes.lire_lignes(path).table
    assert t.loc[0, "direction"] == "" and t.loc[1, "BGT_MTREAL"] == 500.0 and t.loc[1, "ligne"] == 3


def test_a_row_wider_than_the_header_is_refused_naming_its_line(tmp_path):
    rows = [r[:] for r in LIGNES]
    rows[3] = rows[3] + ["en trop"]
    with pytest.raises(ErreurDonnees, match=r"ligne 5 : 16 cellules pour 15 colonnes"):
        budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", rows))


def test_xlsx_is_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ENTETE)
    for r in LIGNES:
        ws.append([float(c) if c and c.isdigit() and len(c) < 6 else c for c in r])
    wb.save(tmp_path / "l.xlsx")
    lignes = budget_lignes.lire_lignes(tmp_path / "l.xlsx")
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.mandate["budget_numerique"].sum() == 2100
    # the reader's hash of the bytes it read, which the report records (computed here by hashlib from the file)
    assert lignes.sha256 == hashlib.sha256((tmp_path / "l.xlsx").read_bytes()).hexdigest()


def test_a_workbook_whose_first_sheet_is_a_readme_is_read_from_its_data_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Lisez-moi"
    wb.active.append(["Export du budget 2025"])
    ws = wb.create_sheet("Lignes")
    ws.append(ENTETE)
    for r in LIGNES:
        ws.append(r)
    wb.save(tmp_path / "l.xlsx")
    lignes = budget_lignes.lire_lignes(tmp_path / "l.xlsx")
    assert lignes.description == ("classeur Excel (.xlsx), feuille « Lignes » (la première feuille, « Lisez-moi », "
                                  "ne porte pas les colonnes attendues)")
    res = budget_lignes.calculer(lignes, perim(tmp_path / "p.csv", REGLES), 2025)
    assert res.mandate["budget_numerique"].sum() == 2100  # as the same lines on the first sheet (test_xlsx_is_read)
    # no sheet with the schema's columns: one message, naming the sheet read and pointing to the other
    wb = openpyxl.Workbook()
    wb.active.title = "Lisez-moi"
    wb.active.append(["Export du budget 2025"])
    wb.create_sheet("Notes").append(["remarque"])
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(ErreurDonnees) as exc:
        budget_lignes.lire_lignes(tmp_path / "m.xlsx")
    assert len(exc.value.problemes) == 1
    texte = str(exc.value)
    assert ("m.xlsx (feuille « Lisez-moi ») : 11 colonnes obligatoires du schéma SCDL « Budget » absentes "
            "(BGT_NATDEC, BGT_ANNEE, BGT_SIRET, BGT_NOM, BGT_CONTNAT, BGT_CONTNAT_LABEL, BGT_NATURE, BGT_NATURE_LABEL, "
            "BGT_SECTION, BGT_OPBUDG, BGT_CODRD) — les titres de colonnes du schéma : BGT_NATDEC,") in texte
    assert texte.endswith("seule la feuille « Lisez-moi » est lue ; si le tableau est sur une autre feuille "
                          "(« Notes »), placez-le en premier")


def test_the_report_records_the_lines_by_the_hash_of_the_bytes_read(tmp_path, monkeypatch):
    path = ecrire(tmp_path / "l.csv", LIGNES)
    attendu = hashlib.sha256(path.read_bytes()).hexdigest()
    assert budget_lignes.lire_lignes(path).sha256 == attendu
    r = Rapport("budget", colonnes=budget.COLONNES)
    relus = []
    monkeypatch.setattr(rapport_module, "sha256", lambda p: relus.append(p) or "relu")
    perim(tmp_path / "p.csv", REGLES)
    budget.sources(r, 2025, "", "", str(path), str(tmp_path / "p.csv"))
    lignes = next(e for e in r.entrees if e.chemin.endswith("l.csv"))
    assert lignes.sha256 == attendu and path not in relus  # not read a second time for its hash
    assert any(e.sha256 == "relu" for e in r.entrees)  # the perimeter, read by another reader: hashed by the report


@pytest.mark.parametrize("col, valeur, attendu", [
    ("BGT_CODRD", "D", "« D » non prévue"), ("BGT_ANNEE", "25", "année"),
    ("BGT_SIRET", "123", "« 123 » ne suit pas le format du schéma SCDL (14 chiffres)"),  # public data: the value shown
    ("BGT_MTREAL", "12 €", "montant"), ("BGT_NATDEC", "", "cellule vide"),
])
def test_the_schema_check_names_row_and_column(tmp_path, col, valeur, attendu):
    rows = [r[:] for r in LIGNES]
    rows[2][ENTETE.index(col)] = valeur
    with pytest.raises(ErreurDonnees) as e:
        budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", rows))
    assert f"ligne 4, colonne « {col} »" in str(e.value) and attendu in str(e.value)


def test_a_missing_required_column_is_refused(tmp_path):
    entete = [h for h in ENTETE if h != "BGT_OPBUDG"]
    rows = [r[:10] + r[11:] for r in LIGNES]
    with pytest.raises(ErreurDonnees, match=r"colonne « BGT_OPBUDG » : colonne obligatoire"):
        budget_lignes.lire_lignes(ecrire(tmp_path / "l.csv", rows, entete))


def test_the_size_limit_is_the_budget_lines_own(tmp_path, monkeypatch):
    path = ecrire(tmp_path / "l.csv", LIGNES)
    monkeypatch.setattr(budget_lignes, "TAILLE_MAX", path.stat().st_size - 1)
    with pytest.raises(ErreurDonnees, match="fichier trop gros"):
        budget_lignes.lire_lignes(path)


def test_the_default_limit_is_above_the_other_inputs_limit():
    from cln_analysis import donnees
    assert budget_lignes.TAILLE_MAX > donnees.TAILLE_MAX


# --------------------------------------------------------------------------- the shipped example

EXEMPLE = REPO / "data" / "raw" / "budget_lignes_exemple.csv"


@pytest.fixture(scope="module")
def exemple():
    return budget_lignes.charger(EXEMPLE, budget_lignes.PERIMETRE, 2025)


def _slide():
    with open(REPO / "data" / "raw" / "budget_mandate.csv", encoding="utf-8") as fh:
        return {r["section"]: (int(r["budget_numerique"]), int(r["budget_total"])) for r in csv.DictReader(fh)}


def test_the_example_reproduces_the_slides_totals_and_shares(exemple):
    _, _, res = exemple
    slide = _slide()
    m = res.mandate[res.mandate["annee"] == 2025].set_index("section")
    for s, (num, tot) in slide.items():
        assert m.loc[s, "budget_numerique"] == num and m.loc[s, "budget_total"] == tot
    parts = budget.parts(res.mandate, 2025).set_index("section")

    def pct(n, d):  # the slide's rounding, to one decimal, half up, with exact decimals
        return (Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    num_tot = sum(n for n, _ in slide.values())
    tot_tot = sum(t for _, t in slide.values())
    attendus = {"investissement": pct(*slide["investissement"]), "fonctionnement": pct(*slide["fonctionnement"]),
                "total": pct(num_tot, tot_tot)}
    assert [str(v) for v in attendus.values()] == ["7.3", "2.8", "3.7"]
    for s, v in attendus.items():
        assert Decimal(str(parts.loc[s, "part_numerique"] * 100)).quantize(Decimal("0.1"), ROUND_HALF_UP) == v


def test_the_example_voted_total_is_the_budget_primitif(exemple):
    _, _, res = exemple
    with open(REPO / "data" / "raw" / "budget_primitif.csv", encoding="utf-8") as fh:
        vote = int(next(csv.DictReader(fh))["montant_vote"])
    assert res.primitif["montant_vote"].tolist() == [vote]


def test_the_example_categories_add_up_and_every_euro_has_its_line(exemple):
    lignes, _, res = exemple
    cat = budget_lignes.par_categorie(res)
    num = sum(n for n, _ in _slide().values())
    assert cat["montant"].sum() == pytest.approx(num, abs=0.01)
    assert cat["part"].sum() == pytest.approx(1)
    detail = budget_lignes.lignes_numeriques(res, lignes.colonnes_ville)
    assert detail["montant"].sum() == pytest.approx(num, abs=0.01)
    exacts = [float(Decimal(repr(m)) * Decimal(repr(p))) for m, p in zip(detail["montant_ligne"], detail["part"],
                                                                         strict=True)]
    assert detail["montant"].tolist() == exacts
    assert budget_lignes.par_direction(res)["montant"].sum() == pytest.approx(num, abs=0.01)
    assert budget_lignes.par_fonction(res)["montant"].sum() == pytest.approx(num, abs=0.01)
    assert budget_lignes.par_section(res)["montant"].sum() == pytest.approx(num, abs=0.01)


def test_the_example_answers_the_councils_questions(exemple):
    _, _, res = exemple
    sites = budget_lignes.detail_categorie(res, budget_lignes.SITES_APPLICATIONS)
    assert "Site roubaix.fr" in set(sites["intitule"])
    assert budget_lignes.detail_categorie(res, "absente") == budget_lignes.NON_DISTINGUE
    assert budget_lignes.montant_categorie(res, "absente") is None
    dsi = res.numeriques.loc[res.numeriques["regle"] == "R01", "montant"].sum()
    assert budget_lignes.part_dsi_fonctionnement(res) == pytest.approx(dsi / res.numeriques["montant"].sum())


def test_the_example_figures_and_evolution(exemple):
    lignes, _, res = exemple
    fig = {c["figure_id"]: c["value"] for c in budget_lignes.chiffres(res)}
    mand = res.mandate.set_index(["annee", "section"])
    p24 = mand.loc[2024, "budget_numerique"].sum() / mand.loc[2024, "budget_total"].sum()
    p25 = mand.loc[2025, "budget_numerique"].sum() / mand.loc[2025, "budget_total"].sum()
    assert fig["budget.2025.evolution.total.part"] == pytest.approx(p25 - p24)
    with open(EXEMPLE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ordre = [r for r in rows if r["BGT_ANNEE"] == "2025" and r["BGT_OPBUDG"] == "ordre"
             and r["BGT_CODRD"] == "dépense" and r["BGT_NATDEC"] == "compte administratif"]
    assert fig["budget.2025.lignes.ordre_exclues"] == len(ordre) > 0
    assert fig["budget.2025.lignes.numeriques"] == res.numeriques["ligne"].nunique()
    assert "budget.2025.categorie.inclusion_mediation.montant" in fig
    assert "budget.2025.dsi_fonctionnement.part" in fig
    assert any(r["BGT_CODRD"] == "recette" for r in rows)


def test_frictionless_validates_the_example_against_the_shipped_schema():
    schema = frictionless.Schema.from_descriptor(str(budget_lignes.SCHEMA))
    for nom in ("direction", "service", "libelle_ligne"):
        schema.add_field(frictionless.fields.StringField(name=nom))
    resource = frictionless.Resource(path=EXEMPLE.name, basepath=str(EXEMPLE.parent), schema=schema,
                                     encoding="utf-8")
    report = frictionless.validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_frictionless_and_the_runtime_check_agree_on_an_invalid_file(tmp_path):
    rows = [r[:] for r in LIGNES]
    rows[1][ENTETE.index("BGT_OPBUDG")] = "mixte"
    path = ecrire(tmp_path / "l.csv", rows)
    schema = frictionless.Schema.from_descriptor(str(budget_lignes.SCHEMA))
    schema.fields = [fl for fl in schema.fields if fl.name in ENTETE]
    schema.add_field(frictionless.fields.StringField(name="direction"))
    report = frictionless.validate(frictionless.Resource(path=path.name, basepath=str(path.parent), schema=schema))
    erreurs = report.flatten(["rowNumber", "fieldName"])
    assert erreurs == [[3, "BGT_OPBUDG"]]
    with pytest.raises(ErreurDonnees, match=r"ligne 3, colonne « BGT_OPBUDG »"):
        budget_lignes.lire_lignes(path)


def test_the_generator_reproduces_the_committed_files():
    spec = importlib.util.spec_from_file_location("gen", REPO / "tools" / "generer_budget_lignes_exemple.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path, text in module.fichiers().items():
        assert path.read_bytes() == text.encode("utf-8"), path.name


def test_the_audit_page_and_the_workbook_get_every_line():
    from cln_analysis.rapport import Rapport
    from cln_analysis.rendu import tableau_long_html
    from cln_analysis.sorties import TableauLong
    from cln_analysis.textes import budget as textes

    r = Rapport("budget", colonnes=budget.COLONNES, annee=2025, donnees="data/raw/budget_mandate.csv",
                denominateur="mandate", population=None, budget_primitif="data/raw/budget_primitif.csv",
                territoire="data/raw/territoire.csv", lignes=str(EXEMPLE), perimetre=str(budget_lignes.PERIMETRE))
    src = budget.sources(r, 2025, "data/raw/budget_mandate.csv", "data/raw/budget_primitif.csv", str(EXEMPLE))
    assert r.fictif  # the example is the data package's fictitious resource: the banner
    html = "".join(textes.regles(r, 2025, src))
    audit = html[html.index("<!--audit-seulement-->"):]
    # the notebook's output holds the placeholder only; the runner writes the table there
    assert TableauLong.marque("lignes_numeriques") in audit and "<td" not in audit[audit.index("Les lignes du"):]
    tableau = tableau_long_html(r.tableaux_longs["lignes_numeriques"])
    feuille = r.classeur["lignes_numeriques"]
    i = feuille.colonnes.index("Montant compté")
    numerique = sum(n for n, _ in _slide().values())
    assert tableau.count("<tr>") == 1 + len(feuille.rangees())  # the header row and every line
    assert sum(row[i] for row in feuille.rangees()) == pytest.approx(numerique, abs=0.01)
    assert "Les lignes du budget numérique" not in html[:html.index("<!--audit-seulement-->")]
    # the totals summed from the lines: their charts name the lines as their source, every input says how it was
    # read, and the voted budget of the lines' budget primitif is not said rounded by the minutes
    from cln_analysis.textes import declarer

    table = budget.parts(src.mandate, 2025)
    comp = budget.comparer_primitif(table, src.primitif, 2025)
    habitants, _ = budget.population(r.charger("territoire", "data/raw/territoire.csv"), None)
    declarer(r, budget.chiffres(table, comp, habitants, 2025) + budget.chiffres_lignes(src))
    assert all("Source : exemple fictif" in h and "lignes budgétaires" in h and "présentation" not in h
               for h in (textes.parts(r, 2025, table, src)[0], textes.poids(r, 2025, table, src)[1]))
    assert all(e.lecture for e in r.entrees), [e.chemin for e in r.entrees if not e.lecture]
    assert not any("10 000 €" in h for h in textes.hypotheses(r, 2025, "INSEE 2022", src))


def test_lines_without_a_direction_are_named_in_the_chart_and_in_its_table(tmp_path):
    from cln_analysis.rapport import Rapport
    from cln_analysis.textes import budget as textes

    rows = [r[:] for r in LIGNES]
    rows[6][ENTETE.index("direction")] = ""  # the schools' 2183 line (400 €, rule R3 takes any direction)
    lignes, perimetre = ecrire(tmp_path / "l.csv", rows), tmp_path / "p.csv"
    perim(perimetre, REGLES)
    r = Rapport("budget", colonnes=budget.COLONNES, annee=2025, donnees="data/raw/budget_mandate.csv",
                denominateur="mandate", population=None, budget_primitif="data/raw/budget_primitif.csv",
                territoire="data/raw/territoire.csv", lignes=str(lignes), perimetre=str(perimetre))
    src = budget.sources(r, 2025, "data/raw/budget_mandate.csv", "data/raw/budget_primitif.csv", str(lignes),
                         str(perimetre))
    from cln_analysis.textes import declarer

    table = budget.parts(src.mandate, 2025)
    comp = budget.comparer_primitif(table, src.primitif, 2025)
    habitants, _ = budget.population(r.charger("territoire", "data/raw/territoire.csv"), None)
    declarer(r, budget.chiffres(table, comp, habitants, 2025) + budget.chiffres_lignes(src))
    html = "".join(textes.contenu(r, 2025, src))
    tableau = html[html.index("par direction</caption>"):]
    tableau = tableau[:tableau.index("</table>")]
    # by hand: DSI 1000 + 500 + 200, the line without a direction 400
    assert "(sans direction)</th>" in tableau and "400" in tableau.split("(sans direction)")[1][:120]
    assert '"row"></th>' not in tableau and "></th><td" not in tableau
    assert r.tableaux["par_direction.csv"].splitlines()[1:] == [  # the data keep the empty cell as read
        "DSI,1700.0,0.8095238095238095", ",400.0,0.19047619047619047"]
