"""Workbooks and CSV for Excel hold what the page prints: the one rounding rule, bounds outward."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from cln_analysis import exports, formats


def _feuille(df, formateurs):
    return exports.feuille_excel(df, "Légende", {}, formateurs)


def test_sheet_rounds_half_away_from_zero_at_the_page_precision():
    # 0,0725 is 7,25 % exactly: half away from zero gives 7,3 % (Babel alone, half to even, gives 7,2 %)
    # 0,805 → 81 % ; 2,5 → 3 ; 134 522,505 € at the cent → 134 522,51 €
    df = pd.DataFrame({"a": [0.0725], "b": [0.805], "n": [2.5], "m": [134522.505]})
    sheet = _feuille(df, {"a": formats.pourcentage, "b": lambda v: formats.pourcentage(v, 0),
                          "n": formats.entier, "m": lambda v: formats.euros(v, 2)})
    assert sheet.lignes == [[0.073, 0.81, 3, 134522.51]]
    assert sheet.formats == ["0.0%", "0%", "#,##0", '#,##0.00 "€"']


def test_sheet_bounds_are_rounded_outward_like_the_page():
    lo, hi = proportion_confint(8, 13, alpha=0.05, method="wilson")  # 0,3552… and 0,8229…
    assert 0.355 < lo < 0.356 and 0.822 < hi < 0.823
    df = pd.DataFrame({"ic_bas": [lo], "ic_haut": [hi]})
    sheet = _feuille(df, {"ic_bas": formats.borne_basse, "ic_haut": formats.borne_haute})
    assert sheet.lignes == [[0.35, 0.83]]  # nearest would give 0.36 and 0.82: narrower than computed


def test_csv_for_excel_takes_the_sheet_values_at_the_page_precision():
    df = pd.DataFrame({"section": ["fonctionnement"], "part": [0.0725], "ic_bas": [0.3552], "n": [3]})
    sheet = _feuille(df, {"part": formats.pourcentage, "ic_bas": formats.borne_basse, "n": formats.entier})
    classeur = exports.classeur_excel({"parts": sheet})
    valeurs = exports.valeurs_classeur(classeur)
    data = exports.csv_excel(exports.tableau_csv(df), valeurs["parts"])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["section", "part", "ic_bas", "n"], ["fonctionnement", "0,073", "0,35", "3"]]
    # a column the page does not format keeps its full precision
    brut = pd.DataFrame({"x": [0.123456]})
    sheet = _feuille(brut, {})
    valeurs = exports.valeurs_classeur(exports.classeur_excel({"t": sheet}))
    rows = list(csv.reader(io.StringIO(exports.csv_excel(exports.tableau_csv(brut), valeurs["t"])
                                       .decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["0,123456"]


def test_workbook_cells_read_back_as_the_page_prints():
    df = pd.DataFrame({"part": [0.0725, 0.0715]})
    wb = openpyxl.load_workbook(io.BytesIO(exports.classeur_excel(
        {"t": _feuille(df, {"part": formats.pourcentage})})))
    assert [r[0].value for r in wb["t"].iter_rows(min_row=2)] == [0.073, 0.072]  # 7,25 → 7,3 ; 7,15 → 7,2


def test_a_long_table_and_its_sheet_share_one_text_per_value():
    # the page's long table and the workbook's sheet from one formatting of each distinct value (not one for the
    # page and one for the sheet): the sheet holds the number the page prints, a missing value is an empty cell
    from cln_analysis.rapport import Rapport
    from cln_analysis.rendu import Colonne

    appels = []

    def euros(v):
        appels.append(v)
        return formats.euros_auto(v)

    r = Rapport("budget", colonnes={"montant": Colonne("Montant", euros)}, annee=2025,
                donnees="data/raw/budget_mandate.csv", denominateur="mandate", population=None,
                budget_primitif="data/raw/budget_primitif.csv", territoire="data/raw/territoire.csv", lignes=None,
                perimetre="data/raw/budget_perimetre.csv")
    df = pd.DataFrame({"ligne": [2, 3, 4, 5], "montant": [1234.505, 10.0, 1234.505, float("nan")]})
    r.tableau_long("detail", df, "Le détail", classeur=True)
    assert sorted(appels) == [10.0, 1234.505, 1234.505]  # each value once, and the largest for the sheet's format
    t, feuille = r.tableaux_longs["detail"], r.classeur["detail"]
    assert [t.textes[1][k] for k in t.codes[1]] == ["1\u202f234,51\u00a0€", "10\u00a0€", "1\u202f234,51\u00a0€", "—"]
    assert feuille.colonnes == ["ligne", "Montant"] and feuille.formats[1] == '#,##0.00 "€"'
    assert feuille.rangees() == [[2, 1234.51], [3, 10], [4, 1234.51], [5, None]]


def test_a_coded_sheet_writes_the_cells_of_the_sheet_cell_by_cell():
    # the long table's sheet (`feuille_codee`, coded as the page's table) read back by openpyxl holds exactly what
    # `feuille_excel` writes of the same table: numbers as the page prints them, words, « oui », empty cells
    from cln_analysis import rendu

    df = pd.DataFrame({"ligne": [2, 3, 4, 5, 6], "compte": ["2183", "6156", "2183", None, "6156"],
                       "montant": [1234.505, 10.0, 1234.505, float("nan"), 7.25],
                       "part": [0.5, 1.0, 0.5, 1.0, 0.333], "ordre": [True, False, True, True, False],
                       "brut": [1.5, 2.0, float("nan"), 1.5, 3.25]})
    fmts = {"montant": formats.euros_auto, "part": formats.pourcentage}
    titres = {"montant": "Montant compté"}
    long = rendu.tableau_long(df, "Le détail", fmts, titres)
    codee = exports.feuille_codee(df, "Le détail", titres, fmts, long)
    assert codee.lignes == [] and len(codee.codes[0]) == 5
    par_cellule = exports.feuille_excel(df, "Le détail", titres, fmts)
    assert codee.rangees() == par_cellule.lignes and codee.formats == par_cellule.formats

    def relu(feuille):
        ws = openpyxl.load_workbook(io.BytesIO(exports.classeur_excel({"t": feuille})))["t"]
        return [[(c.value, c.number_format) for c in r] for r in ws.iter_rows()], ws.dimensions, \
            [ws.column_dimensions[lettre].width for lettre in "ABCDEF"]

    assert relu(codee) == relu(par_cellule)
    # its rows and cells are counted, not named (ECMA-376: `r` is optional); an empty cell keeps its place
    xml = zipfile.ZipFile(io.BytesIO(exports.classeur_excel({"t": codee}))).read("xl/worksheets/sheet1.xml").decode()
    corps = xml.split('</row>', 1)[1]  # after the header row
    assert "<c/>" in corps and ' r="' not in corps and corps.count("<row>") == 5
    assert relu(codee)[0][4] == [(5, "General"), (None, "General"), (None, "General"), (1, "0.0%"), ("oui", "General"),
                                 (1.5, "General")]


def test_a_coded_sheet_of_line_numbers_holds_what_each_page_text_shows():
    # line numbers formatted as counts (the 25 000 of a large city's digital lines): the page's texts and the
    # sheet's cells are those the value-by-value paths give (`formats.entier`, `feuille_excel`)
    from cln_analysis import rendu

    lignes = [2, 999, 1000, 24878, 123456, 2, -5, 1000]
    df = pd.DataFrame({"ligne": lignes, "compte": ["2183"] * len(lignes)})
    fmts = {"ligne": formats.entier}
    long = rendu.tableau_long(df, "L", fmts)
    assert [long.textes[0][k] for k in long.codes[0]] == [formats.entier(v) for v in lignes]
    assert long.textes[0][3] == "24\u202f878"
    codee = exports.feuille_codee(df, "L", {}, fmts, long)
    par_cellule = exports.feuille_excel(df, "L", {}, fmts)
    assert codee.rangees() == par_cellule.lignes and codee.formats == par_cellule.formats == ["#,##0", None]
    assert [type(r[0]) for r in codee.rangees()] == [int] * len(lignes)


def test_a_coded_sheet_keeps_apart_what_pandas_counts_as_one():
    # 1, 1.0 and True in one column; −0.0 beside 0.0; an empty cell widens nothing; a table without columns
    from cln_analysis import rendu

    df = pd.DataFrame({"m": pd.Series([1, True, 0, False, 1.0], dtype=object), "z": [-0.0, 0.0, 1.5, -0.0, 2.0],
                       "a": [None, "x", None, "y", "x"]})
    long = rendu.tableau_long(df, "L")
    codee = exports.feuille_codee(df, "L", {}, {}, long)
    par_cellule = exports.feuille_excel(df, "L", {}, {})
    assert codee.rangees() == par_cellule.lignes
    assert [r[0] for r in par_cellule.lignes] == [1, "oui", 0, "non", 1.0]
    assert [type(r[0]) for r in codee.rangees()] == [int, str, int, str, float]
    assert [str(r[1]) for r in codee.rangees()] == ["0.0", "0.0", "1.5", "0.0", "2.0"]  # never « -0 »

    def largeurs(feuille):
        ws = openpyxl.load_workbook(io.BytesIO(exports.classeur_excel({"t": feuille})))["t"]
        return [ws.column_dimensions[c].width for c in "ABC"]

    assert largeurs(codee) == largeurs(par_cellule) == [5, 5, 3]  # « oui » + 2, « 0.0 » + 2, « a », « x » + 2
    vide = pd.DataFrame(index=range(2))
    assert exports.feuille_codee(vide, "L", {}, {}, rendu.tableau_long(vide, "L")).lignes == \
        exports.feuille_excel(vide, "L", {}, {}).lignes == [[], []]


def test_a_sheet_of_megabytes_reads_back_whole():
    # a sheet part of more than a megabyte of XML (about 80 bytes a row): openpyxl reads every cell back
    n = 2**20 // 60
    df = pd.DataFrame({"ligne": range(n), "code": [f"c{i % 97}" for i in range(n)]})
    contenu = exports.classeur_excel({"t": _feuille(df, {})})
    assert zipfile.ZipFile(io.BytesIO(contenu)).getinfo("xl/worksheets/sheet1.xml").file_size > 2**20
    ws = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True)["t"]
    lignes = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(lignes) == n and lignes[-1] == [n - 1, f"c{(n - 1) % 97}"] and lignes[97] == [97, "c0"]
