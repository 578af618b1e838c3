"""The reading layer opens every form of input file (`cln_analysis.lecture.ouvrir`).

The files are written here byte by byte with Python's own codecs (UTF-8, its BOM, cp1252, UTF-16LE/BE with and
without BOM) and workbooks with openpyxl, so what is expected never comes from the layer under test. The several
header rows are the shape of a form export (a group row, a title row, an option row), not a copy of one.
"""

from __future__ import annotations

import csv
import gc
import importlib

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from cln_analysis.erreurs import ErreurDonnees
from cln_analysis.lecture import TAILLE_MAX, Format, lettre, ouvrir, textes_de_type

ROWS = [["nom", "montant"], ["Écoles", "1,5"], ["Mairie", "2"]]
SECRET = "Mme Dupont 06 12 34 56 78"


def _ecrire(path, data: bytes):
    path.write_bytes(data)
    return path


def _texte(rows, sep):
    return "\r\n".join(sep.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize("octets,encodage,sep,decimale,description", [
    (_texte(ROWS, ",").replace("1,5", '"1,5"').encode("utf-8"), "utf-8", ",", ".", "CSV UTF-8, séparateur virgule"),
    (b"\xef\xbb\xbf" + _texte(ROWS, ";").encode("utf-8"), "utf-8-sig", ";", ",",
     "CSV UTF-8 avec BOM, séparateur point-virgule, décimale virgule"),
    (_texte(ROWS, ";").encode("cp1252"), "cp1252", ";", ",",
     "CSV Windows-1252, séparateur point-virgule, décimale virgule"),
    (b"\xff\xfe" + _texte(ROWS, "\t").encode("utf-16-le"), "utf-16-le", "\t", ".",
     "CSV UTF-16LE, séparateur tabulation"),
    (_texte(ROWS, "\t").encode("utf-16-le"), "utf-16-le", "\t", ".", "CSV UTF-16LE, séparateur tabulation"),
    (b"\xfe\xff" + _texte(ROWS, "\t").encode("utf-16-be"), "utf-16-be", "\t", ".",
     "CSV UTF-16BE, séparateur tabulation"),
])
def test_encodings_and_separators(tmp_path, octets, encodage, sep, decimale, description):
    t = ouvrir(_ecrire(tmp_path / "t.csv", octets))
    assert (t.encodage, t.separateur, t.decimale) == (encodage, sep, decimale)
    assert t.entete == ["nom", "montant"]
    assert t.lignes == [(2, ["Écoles", "1,5"]), (3, ["Mairie", "2"])]
    assert t.description() == description


def test_a_sep_line_is_dropped_and_lines_stay_the_files_own(tmp_path):
    p = _ecrire(tmp_path / "t.csv", ("sep=;\r\n" + _texte(ROWS, ";")).encode("cp1252"))
    t = ouvrir(p)
    assert t.separateur == ";" and t.ligne_entete == 2 and [n for n, _ in t.lignes] == [3, 4]


def test_the_format_fixes_the_decimal_mark_and_helps_choose_the_separator(tmp_path):
    p = _ecrire(tmp_path / "t.csv", _texte(ROWS, ";").encode("utf-8"))
    assert ouvrir(p, Format(decimale=".")).decimale == "."
    # a header with a comma inside one title and `;` between them: the expected names settle it
    p = _ecrire(tmp_path / "u.csv", "Usage, intérêt;b\r\n1;2\r\n".encode())
    assert ouvrir(p).separateur == ","  # alone, the most frequent... ties go to the comma
    assert ouvrir(p, Format(colonnes_attendues=("b",))).separateur == ";"


def test_cells_are_trimmed_and_blank_rows_skipped_on_the_careful_path(tmp_path):
    p = _ecrire(tmp_path / "t.csv", b"a,b\n 1 ,2\n,\n\n3,\xc2\xa04\n")
    t = ouvrir(p)
    assert t.lignes == [(2, ["1", "2"]), (5, ["3", "4"])]
    assert list(t.cellules().index) == [2, 5] and t.cellules().loc[5, 1] == "4"


def _classeur(path, feuilles):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for titre, rows in feuilles.items():
        ws = wb.create_sheet(titre)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_a_workbook_is_opened_once_and_its_named_sheet_read(tmp_path, monkeypatch):
    p = _classeur(tmp_path / "t.xlsx", {"Autre": [["x"], ["1"]], "Notes": [["a", "b"], [4.0, None], [None, "oui"]]})
    ouvertures = []
    vraie = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: ouvertures.append(a) or vraie(*a, **k))
    t = ouvrir(p, Format(feuille="Notes"))
    assert len(ouvertures) == 1
    assert (t.format, t.feuille, t.entete) == ("xlsx", "Notes", ["a", "b"])
    assert t.lignes == [(2, ["4", ""]), (3, ["", "oui"])]
    assert t.description(feuille=True) == "classeur Excel (.xlsx), feuille « Notes »"
    assert t.nom_feuille.endswith("t.xlsx (feuille « Notes »)")
    assert ouvrir(p, Format(feuille="Absente")).feuille == "Autre"  # none of that name: the first sheet


def test_several_header_rows(tmp_path):
    rows = [["", "Détails", "Questions", ""], ["Numéro", "Date", "Canal", "Motif"], ["", "", "téléphone", ""],
            ["1", "2026-03-02", "X", "état civil"]]
    p = _ecrire(tmp_path / "t.csv", _texte(rows, ",").encode())
    t = ouvrir(p, Format(lignes_entete=3, ligne_titres=1))
    assert t.entete == ["Numéro", "Date", "Canal", "Motif"] and t.entetes == rows[:3]
    assert t.ligne_entete == 3 and t.lignes == [(4, rows[3])]


def test_untitled_columns_are_dropped_when_empty_refused_when_filled_or_kept_for_the_reader(tmp_path):
    p = _ecrire(tmp_path / "t.csv", b"a,b,,\n1,2,,\n")
    assert ouvrir(p).entete == ["a", "b"]
    p = _ecrire(tmp_path / "u.csv", f"a,b\n1,2,{SECRET}\n".encode())
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(personnel=True))
    assert "ligne 2 : 3 cellules pour 2 colonnes d'en-tête" in str(exc.value) and SECRET not in str(exc.value)
    t = ouvrir(p, Format(colonnes_sans_titre=True))
    assert t.entete == ["a", "b", ""] and t.lignes == [(2, ["1", "2", SECRET])]


def test_size_limit_per_format(tmp_path):
    p = tmp_path / "journal.csv"
    ligne = "2026-03-02,0320000000,appel reçu\n"
    p.write_text("date,numero,etat\n" + ligne * (2 * 2**20 // len(ligne.encode()) + 1), encoding="utf-8")
    taille = p.stat().st_size
    assert 2 * 2**20 < taille < 3 * 2**20
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(taille_max=2**20))
    assert "fichier trop gros (2 Mo ; au plus 1 Mo)" in str(exc.value)
    assert len(ouvrir(p, Format(taille_max=4 * 2**20)).lignes) == taille // len(ligne.encode())
    assert TAILLE_MAX == 50 * 2**20  # the default of a plain table


@pytest.mark.parametrize("octets,ligne", [
    (b"a,b\n1,2\n3,\x004\n", 3),
    (b"\xff\xfe" + "a\tb\n1\t2\n3\t\x004\n".encode("utf-16-le"), 3),
    (b"a,b\n\x00\x00\x00\x00\n", 2),  # NULs at the start of a line: not UTF-16
])
def test_a_nul_is_refused_with_its_line(tmp_path, octets, ligne):
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(_ecrire(tmp_path / "t.csv", octets))
    assert f"ligne {ligne} : caractère nul (octet 0)" in str(exc.value)


def test_truncated_utf16_is_refused(tmp_path):
    with pytest.raises(ErreurDonnees, match="UTF-16"):
        ouvrir(_ecrire(tmp_path / "t.csv", b"\xff\xfe" + "a\tb\n1\t2\n".encode("utf-16-le") + b"\x00\xd8"))


def test_a_personal_file_names_columns_by_letter_and_never_quotes_a_cell(tmp_path):
    p = _ecrire(tmp_path / "t.csv", f"Membre,Commentaire\n{SECRET},{SECRET}\n".encode())
    t = ouvrir(p, Format(personnel=True))
    prob = t.probleme("cette case n'est pas une note", ligne=2, colonne=1, conseil="une note de 0 à 4")
    assert str(prob).endswith("t.csv, ligne 2, colonne « B » : cette case n'est pas une note — une note de 0 à 4")
    assert t.colonne(27) == "AB"
    assert ouvrir(p).colonne(1) == "Commentaire"  # a plain table names a column by its title


def test_column_letters_agree_with_openpyxl():
    assert [lettre(i) for i in range(3000)] == [get_column_letter(i + 1) for i in range(3000)]


def test_no_process_wide_state_changes(tmp_path):
    avant = csv.field_size_limit()
    gc.enable()
    ouvrir(_ecrire(tmp_path / "t.csv", b'a,b\n"x\ny",2\n'))
    with pytest.raises(ErreurDonnees, match="ligne 3, colonne « a » : cellule de plus de 131\u202f072 caractères"):
        ouvrir(_ecrire(tmp_path / "u.csv", b"a,b\n1,2\n" + b"x" * 200_000 + b",3\n"))
    assert csv.field_size_limit() == avant and gc.isenabled()
    csv.field_size_limit(10)  # another library's choice is kept too
    try:
        assert ouvrir(_ecrire(tmp_path / "v.csv", b"a,b\n" + b"x" * 200 + b",2\n")).lignes[0][1][0] == "x" * 200
        assert csv.field_size_limit() == 10
    finally:
        csv.field_size_limit(avant)


def test_refusals_of_what_is_no_table(tmp_path):
    with pytest.raises(ErreurDonnees, match="fichier introuvable"):
        ouvrir(tmp_path / "absent.csv")
    with pytest.raises(ErreurDonnees, match="Excel 97-2003"):
        ouvrir(_ecrire(tmp_path / "t.xls", b"\xd0\xcf\x11\xe0" + b"\x01" * 100))
    with pytest.raises(ErreurDonnees, match="classeur illisible"):
        ouvrir(_ecrire(tmp_path / "t.xlsx", b"PK\x03\x04 pas un zip"))
    with pytest.raises(ErreurDonnees, match="le fichier est vide"):
        ouvrir(_ecrire(tmp_path / "t.csv", b"sep=;\n\n ;; \n"))


def test_a_formula_with_no_stored_value_is_refused(tmp_path):
    p = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["membre", "note"])
    ws.append(["m1", 3])
    ws.append(["m2", "=B2+1"])  # openpyxl writes the formula and no value: what a program (not Excel) saves
    wb.save(p)
    assert openpyxl.load_workbook(p, data_only=True).active["B3"].value is None  # it would be read as empty
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p)
    texte = str(exc.value)
    # a file without personal data: the column by the title it has (issue 22)
    assert "ligne 3" in texte and "colonne « note »" in texte and "formule sans valeur enregistrée" in texte
    assert "ouvrez le classeur dans Excel" in texte and "enregistrez-le" in texte
    with pytest.raises(ErreurDonnees) as exc:  # one that may hold names: by its letter only (issue 23)
        ouvrir(p, Format(personnel=True))
    assert "ligne 3" in str(exc.value) and "colonne « B »" in str(exc.value) and "« note »" not in str(exc.value)


def test_merged_cells_in_the_data_area_are_refused_naming_the_range(tmp_path):
    p = tmp_path / "retours.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["canal", "reponse_obtenue"])
    for _ in range(10):
        ws.append(["téléphone", "oui"])
    ws.merge_cells("B2:B10")  # nine « oui » in one merged block: eight would be read as empty
    wb.save(p)
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p)
    assert "cellules fusionnées dans le tableau (B2:B10)" in str(exc.value)
    assert "ligne 2" in str(exc.value)
    # a merged title above the header is no data: the header is then on line 2
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Questionnaire", None])
    ws.append(["canal", "reponse_obtenue"])
    ws.append(["téléphone", "oui"])
    ws.merge_cells("A1:B1")
    wb.save(p)
    assert ouvrir(p, Format(lignes_entete=2)).lignes == [(3, ["téléphone", "oui"])]


def test_a_message_says_which_sheet_was_read_when_there_are_others(tmp_path):
    p = _classeur(tmp_path / "t.xlsx", {"Consignes": [["lisez-moi"]], "Notes": [["a"], ["1"]]})
    t = ouvrir(p)
    assert t.feuille == "Consignes" and t.autres_feuilles == ("Notes",)
    texte = str(t.probleme("colonne « note » absente"))
    assert "(feuille « Consignes »)" in texte and "« Notes »" in texte
    assert "seule la feuille « Consignes » est lue" in texte
    seule = ouvrir(_classeur(tmp_path / "u.xlsx", {"Notes": [["a"], ["1"]]}))
    assert "feuille" not in str(seule.probleme("x"))


def test_too_big_shows_sizes_that_differ(tmp_path):
    from cln_analysis.lecture.ouvrir import _tailles_distinctes

    mo = 2**20
    assert _tailles_distinctes(int(50.4 * mo), 50 * mo) == ("50,4 Mo", "50,0 Mo")
    assert _tailles_distinctes(60 * mo, 50 * mo) == ("60 Mo", "50 Mo")
    lu, permis = _tailles_distinctes(50 * mo + 1, 50 * mo)  # one byte over: no decimal tells them apart
    assert lu != permis and lu.endswith("octets") and lu.replace("\u202f", "") == f"{50 * mo + 1} octets"


def test_a_long_cell_is_never_quoted_whole_and_typography_stays_linear():
    import time

    from cln_analysis import typographie
    from cln_analysis.erreurs import CITATION_MAX, Probleme

    cellule = " " * 130_000
    texte = str(Probleme("f.csv", f"valeur « {cellule} » inconnue", ligne=2, colonne="canal"))
    assert len(texte) < CITATION_MAX + 100 and "(130\u202f002 caractères)" in texte  # the cell and its two spaces
    debut = time.perf_counter()
    typographie.html(f"<p>a{cellule}: b</p>")
    typographie.texte(f"a{cellule}»")
    assert time.perf_counter() - debut < 5  # quadratic took minutes; linear takes a fraction of a second


@pytest.mark.parametrize("forme", ["csv", "xlsx"])
def test_a_title_row_above_the_header_gets_spreadsheet_advice(tmp_path, forme):
    rows = [["Activité du standard 2025"], ["annee", "appels_recus"], ["2025", "98953"]]
    if forme == "csv":
        p = tmp_path / "t.csv"
        p.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        p = _classeur(tmp_path / "t.xlsx", {"Feuil1": rows})
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p)
    texte = str(exc.value)
    assert "supprimez la ligne 1" in texte and "guillemets" not in texte
    # several header rows (an online-form export with its own title rows) are not that case
    assert ouvrir(p, Format(lignes_entete=2)).entete == ["annee", "appels_recus"]


@pytest.mark.parametrize("texte,par_pandas", [
    ("a,b,c\n1,2,3\n4,5,6\n", True),
    ("\ufeffa,b,c\r\n 1 ,2,\r\n\r\n4, ,6\r\n", True),  # BOM, CRLF, spaces, a blank row, an empty cell
    ("sep=;\na;b;c\n1;2,5;3\n;;\n4;5;6", True),  # a `sep=` line, a row of separators only, no final line end
    ("a,b,c\n1,2\n4,5,6\n", True),  # a short row
    ("\n\na,b,c\n4,5,6\n", False),  # blank lines above the header: pandas sees one column in the first
    ('a,b,c\n1,"x, ""y""",3\n4,b"c,6\n', True),  # quotes, doubled quotes, a quote inside a cell
    ('a,b,c\n1,"deux\nlignes",3\n4,5,6\n', False),  # a quoted line break: the careful path numbers lines
    ("a,b,c\n1,2,3,\n4,5,6\n", False),  # a row wider than the header (its extra cell empty)
    ("a,b,\n1,2,\n4,5,\n", False),  # an untitled last column (empty: dropped)
    ("a,b,c\r1,2,3\r", False),  # bare CR line ends
    ("\ufeffa,b\n x ,y\nx,y\n\n,\n", True),  # a BOM; two cells equal once stripped; a blank row dropped
    ("nom;montant\n", True),  # a header alone: no body row (its columns objects, as pandas' constructor makes them)
    ("a;b\n  ;  \n", True),  # a body of blank cells only
    ("a;2024\nx;1\ny;2\n", False),  # numbers in every cell, the title too: pandas types them (their text lost)
    ("1,5;2\n1,5;3\n", False),  # no title row: the same
    ("a;01\nx;1\n", False),  # pandas would make « 01 » and « 1 » one number
    ("a;True\nx;False\n", False),  # or booleans
    pytest.param("a;b\n1;" + "x" * 131_072 + "\n", True, id="cellule-131072"),  # as long as the careful path allows
])
def test_columnar_reading_gives_the_careful_reading(tmp_path, texte, par_pandas):
    # Format.colonnaire (pandas' C parser for a plain file) against the csv-module path, cell by cell, with the
    # file's line numbers; the files pandas does not split the same way are left to the careful path
    p = _ecrire(tmp_path / "t.csv", texte.encode("utf-8"))
    attendu, lu = ouvrir(p, Format()), ouvrir(p, Format(colonnaire=True))
    assert (lu.table is not None) == par_pandas
    assert (lu.entete, lu.ligne_entete, lu.separateur, lu.decimale) == \
        (attendu.entete, attendu.ligne_entete, attendu.separateur, attendu.decimale)
    assert lu.cellules().index.tolist() == [n for n, _ in attendu.lignes]
    assert lu.cellules().to_numpy().tolist() == [r for _, r in attendu.lignes]
    for j, (codes, valeurs) in lu.distinctes.items():  # each column's distinct values: each once, each used
        assert valeurs[codes].tolist() == [r[j] for _, r in attendu.lignes]
        assert sorted(valeurs.tolist()) == sorted({r[j] for _, r in attendu.lignes})
    if lu.table is not None:  # each column typed as pandas' own constructor types the same cells
        cellules = {j: np.array(lu.table[j].tolist(), dtype=object) for j in lu.table.columns}
        assert lu.table.dtypes.tolist() == pd.DataFrame(cellules).dtypes.tolist()


def _grand_tableau(n=4000):
    # more than the first 64 KiB the columnar reading looks at for the header and the encoding: its only accented
    # cells come last
    rows = [["nom", "service", "montant"]] + [[f"ligne {i}", "DSI", f"{i},5"] for i in range(n)]
    return rows + [["Écoles", "Médiation numérique", "12,5"], ["Crèches", "État civil", "3"]]


@pytest.mark.parametrize("octets,encodage,decode", [
    (_texte(_grand_tableau(), ";").encode("utf-8"), "utf-8", False),
    (b"\xef\xbb\xbf" + _texte(_grand_tableau(), ";").encode("utf-8"), "utf-8-sig", False),
    (_texte(_grand_tableau(), ";").encode("cp1252"), "cp1252", True),  # Excel's CSV: not UTF-8 past 64 KiB
    (_texte(_grand_tableau()[:1], ";").encode("utf-8") + b"\r\n" * 40_000  # blank rows in the body
     + _texte(_grand_tableau()[1:], ";").encode("utf-8"), "utf-8", False),
    (("sep=;\r\n" + _texte(_grand_tableau(), ";")).encode("utf-8"), "utf-8", True),  # a line above the table
], ids=["utf-8", "bom", "cp1252", "blancs", "sep"])
def test_columnar_reading_of_a_large_file_in_each_encoding_gives_the_careful_reading(tmp_path, monkeypatch,
                                                                                    octets, encodage, decode):
    # a UTF-8 file is split by pandas from its bytes, not decoded whole first; any other is decoded as before, and
    # every one reads as the careful path reads it, its encoding said the same
    module = importlib.import_module("cln_analysis.lecture.ouvrir")  # the module (the package names its function)

    p = _ecrire(tmp_path / "t.csv", octets)
    attendu = ouvrir(p, Format())
    decodes = []
    monkeypatch.setattr(module, "texte_csv", lambda *a, _v=module.texte_csv: decodes.append(1) or _v(*a))
    lu = ouvrir(p, Format(colonnaire=True))
    assert bool(decodes) == decode
    assert lu.table is not None and (lu.encodage, lu.description()) == (encodage, attendu.description())
    assert (lu.entete, lu.ligne_entete, lu.separateur, lu.decimale) == \
        (attendu.entete, attendu.ligne_entete, attendu.separateur, attendu.decimale)
    assert lu.cellules().index.tolist() == [n for n, _ in attendu.lignes]
    assert lu.cellules().to_numpy().tolist() == [r for _, r in attendu.lignes]
    assert lu.cellules().to_numpy()[-2:].tolist() == [["Écoles", "Médiation numérique", "12,5"],
                                                      ["Crèches", "État civil", "3"]]


@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_file_marked_utf8_holding_another_encoding_is_refused_with_its_line(tmp_path, colonnaire):
    # a BOM then a Windows-1252 byte (two files joined, or edited by two programs): a French refusal naming the
    # line, not Python's decoding error
    p = _ecrire(tmp_path / "t.csv", b"\xef\xbb\xbf" + "nom;montant\r\nÉcoles;1\r\n".encode("utf-8")
                + "Crèches;2\r\n".encode("cp1252"))
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire))
    texte = str(exc.value)
    assert "t.csv, ligne 3" in texte and "UTF-8" in texte and "Crèches" not in texte
    # an old Mac's bare CR line ends count as the csv module counts them
    p = _ecrire(tmp_path / "t.csv", b"\xef\xbb\xbf" + "nom;montant\rÉcoles;1\r".encode("utf-8")
                + "Crèches;2\r".encode("cp1252"))
    with pytest.raises(ErreurDonnees, match="t.csv, ligne 3 "):
        ouvrir(p, Format(colonnaire=colonnaire))


def test_texts_are_typed_as_the_pandas_constructor_types_them():
    # the columnar reading wraps its cells without checking each again: the same column as pandas' constructor
    # builds from them (strings and a missing cell), equal and of the same type
    cellules = np.array(["École", np.nan, "b", ""], dtype=object)
    type_ = pd.Series(np.array(["x"], dtype=object)).dtype
    lu, attendu = textes_de_type(cellules.copy(), type_), pd.Series(cellules).array
    assert lu.dtype == attendu.dtype
    pd.testing.assert_extension_array_equal(lu, attendu)
    objets = np.array(["a", "b"], dtype=object)  # text kept as objects (a pandas without its string type): as is
    assert textes_de_type(objets, np.dtype(object)) is objets


def test_the_header_is_found_after_a_long_run_of_blank_lines(tmp_path):
    # more blank lines than the start of the file the header is looked for in first (64 KiB)
    texte = " \n" * 40_000 + "nom;montant\nÉcoles;1,5\n"
    p = _ecrire(tmp_path / "t.csv", texte.encode("utf-8"))
    for fmt in (Format(), Format(colonnaire=True)):
        t = ouvrir(p, fmt)
        assert (t.separateur, t.entete, t.ligne_entete) == (";", ["nom", "montant"], 40_001)


def test_columnar_reading_refuses_what_the_careful_reading_refuses(tmp_path):
    for texte in ("a,b\n1,2,3\n", "a,b,\n1,2,3\n", " \n , \n", "a;b;c\n6;" + "x" * 131_073 + ";1\n"):
        p = _ecrire(tmp_path / "t.csv", texte.encode("utf-8"))
        with pytest.raises(ErreurDonnees) as attendu:
            ouvrir(p, Format())
        with pytest.raises(ErreurDonnees) as lu:
            ouvrir(p, Format(colonnaire=True))
        assert str(lu.value) == str(attendu.value)


# --------------------------------------------------------------------------- a quote that opens a cell by mistake

BUDGET = [["section", "montant", "direction", "service", "libelle"]] + [
    ["fonctionnement", f"{i}0", "DSI", "Postes", f"ligne {i}"] for i in range(2, 9)]
FIN_OUVERTE = ("un guillemet ouvre cette cellule et n'est jamais refermé : elle absorberait les 3 lignes "
               "suivantes, jusqu'à la fin du fichier")
CONSEIL_GUILLEMET = ("si ce guillemet est de trop, supprimez-le (dans un éditeur de texte, le Bloc-notes par "
                     "exemple) ; s'il fait partie du texte, mettez la cellule entière entre guillemets et doublez "
                     'le sien ("""…")')


def _avec_guillemet(rows, ligne, colonne, texte=None):
    """`rows` with a quote before the cell of file line `ligne` (1-based), column `colonne` (0-based)."""
    rows = [r[:] for r in rows]
    rows[ligne - 1][colonne] = '"' + (texte or rows[ligne - 1][colonne])
    return rows


@pytest.mark.parametrize("encodage,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                          ("utf-16-le", b"\xff\xfe")])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_quote_never_closed_is_refused_where_it_opens(tmp_path, encodage, bom, sep, colonnaire):
    # line 5 of 8: its last cell opened by a stray quote, the 3 lines below swallowed up to the end of the file
    rows = _avec_guillemet(BUDGET, 5, 4, texte=f"Écoles {SECRET}")
    p = _ecrire(tmp_path / "t.csv", bom + _texte(rows, sep).encode(encodage))
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire))
    texte = str(exc.value)
    assert texte.endswith(f"t.csv, ligne 5, colonne « libelle » : {FIN_OUVERTE} — {CONSEIL_GUILLEMET}")
    assert SECRET not in texte and "ligne 6" not in texte
    with pytest.raises(ErreurDonnees) as exc:  # a file that may hold personal data: the column by its letter
        ouvrir(p, Format(personnel=True, colonnaire=colonnaire))
    assert f"t.csv, ligne 5, colonne « E » : {FIN_OUVERTE}" in str(exc.value)


@pytest.mark.parametrize("texte,ligne,colonne,suite", [
    # in a middle column: the rest of its line and every line below in one cell
    (_texte(_avec_guillemet(BUDGET, 3, 2), ";"), 3, "direction",
     "elle absorberait les 5 lignes suivantes, jusqu'à la fin du fichier"),
    # on the last line but one, no line end at the end of the file
    (_texte(_avec_guillemet(BUDGET, 7, 4), ";").rstrip("\r\n"), 7, "libelle",
     "elle absorberait la ligne suivante, jusqu'à la fin du fichier"),
    # on the last line: nothing swallowed, but the file may be cut in the middle of the cell
    (_texte(_avec_guillemet(BUDGET, 8, 4), ";"), 8, "libelle",
     "le fichier se termine dans cette cellule (il est peut-être incomplet)"),
    # after a quoted cell over two lines (closed), on the second of them: the quote opens on line 4, not 3
    (_texte(BUDGET[:2], ";") + 'fonctionnement;"30";"DSI\r\nnumérique";Postes;"ligne 3\r\n'
     + _texte(BUDGET[3:], ";"), 4, "libelle", "elle absorberait les 5 lignes suivantes, jusqu'à la fin du fichier"),
    # old Mac line ends (bare CR): the same
    (_texte(_avec_guillemet(BUDGET, 5, 4), ";").replace("\r\n", "\r"), 5, "libelle", FIN_OUVERTE.split(" : ")[1]),
    # in the header itself: the column by its letter, never by what the cell swallowed
    (_texte(_avec_guillemet(BUDGET, 1, 3), ";"), 1, "D",
     "elle absorberait les 7 lignes suivantes, jusqu'à la fin du fichier"),
], ids=["milieu", "avant-derniere", "derniere", "apres-cellule-sur-deux-lignes", "cr", "entete"])
@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_quote_never_closed_is_refused_naming_its_line_and_column(tmp_path, texte, ligne, colonne, suite,
                                                                     colonnaire):
    p = _ecrire(tmp_path / "t.csv", texte.encode("utf-8"))
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire))
    assert str(exc.value) == (f"{exc.value.problemes[0].fichier}, ligne {ligne}, colonne « {colonne} » : un "
                              f"guillemet ouvre cette cellule et n'est jamais refermé : {suite} — {CONSEIL_GUILLEMET}")
    assert exc.value.problemes[0].fichier.endswith("t.csv")


def test_a_quote_never_closed_over_more_than_the_longest_cell_is_still_named_as_such(tmp_path):
    rows = _avec_guillemet(BUDGET, 3, 4) + [["fonctionnement", "1", "DSI", "Postes", "x" * 1000]] * 200
    p = _ecrire(tmp_path / "t.csv", _texte(rows, ";").encode("cp1252"))  # 200 000 characters swallowed
    for fmt in (Format(), Format(colonnaire=True)):
        with pytest.raises(ErreurDonnees) as exc:
            ouvrir(p, fmt)
        assert "ligne 3, colonne « libelle » : un guillemet ouvre cette cellule et n'est jamais refermé : elle " \
               "absorberait les 205 lignes suivantes, jusqu'à la fin du fichier" in str(exc.value)


COMMENTAIRE = "Bonjour,\r\nj'ai appelé deux fois, sans réponse.\r\n\r\nMerci"


@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_quoted_comment_over_several_lines_is_read_with_the_files_lines(tmp_path, colonnaire):
    # a form export: every cell quoted, a comment over four lines (one blank), closed as every program closes it
    entete = ["Numéro", "Date", "Canal", "Satisfaction", "Âge", "Commentaire"]
    corps = [["1", "2026-03-02", "téléphone", "4", "30-44", COMMENTAIRE],
             ["2", "2026-03-03", "atelier", "3", "45-59", ""],
             ["3", "2026-03-04", "téléphone", "2", "60-74", 'Il a dit « non », puis ""peut-être"".'],
             ["4", "2026-03-05", "téléphone", "1", "15-29", "Trop long,\r\nattente, attente, attente, encore, fin"]]
    texte = "".join(";".join(f'"{c}"' for c in r) + "\r\n" for r in [entete, *corps])
    p = _ecrire(tmp_path / "t.csv", texte.encode("utf-8"))
    t = ouvrir(p, Format(colonnaire=colonnaire, personnel=True))
    assert t.entete == entete
    assert t.cellules().index.tolist() == [2, 6, 7, 8]  # the file's own lines: the comment takes lines 2 to 5
    assert t.cellules().to_numpy().tolist() == [
        ["1", "2026-03-02", "téléphone", "4", "30-44", "Bonjour,\r\nj'ai appelé deux fois, sans réponse.\r\n\r\nMerci"],
        ["2", "2026-03-03", "atelier", "3", "45-59", ""],
        ["3", "2026-03-04", "téléphone", "2", "60-74", 'Il a dit « non », puis "peut-être".'],
        ["4", "2026-03-05", "téléphone", "1", "15-29", "Trop long,\r\nattente, attente, attente, encore, fin"]]
    # a comma file of free text: a comment line with as many commas as a row is no row swallowed, narrow or wide
    p = _ecrire(tmp_path / "u.csv", 'id,avis,commentaire\n1,oui,"court, long,\nou bien, très long"\n2,non,\n'.encode())
    assert ouvrir(p).lignes == [(2, ["1", "oui", "court, long,\nou bien, très long"]), (4, ["2", "non", ""])]
    liste = "Ce que je voudrais :\npain, lait, oeufs, beurre, farine, sucre, sel, poivre, huile, vinaigre"
    large = (",".join(f"c{i}" for i in range(10)) + "\n" + ",".join("x" * 9) + f',"{liste}"\n'
             + ",".join("y" * 10) + "\n")
    p = _ecrire(tmp_path / "v.csv", large.encode())
    assert ouvrir(p, Format(colonnaire=colonnaire, personnel=True)).cellules().to_numpy()[0, -1] == liste


@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_stray_quote_closed_by_another_lines_below_is_refused(tmp_path, colonnaire):
    # a stray quote on line 3; the next quote, line 6, closes it in the middle of a text: lines 4 to 6 in one cell
    rows = _avec_guillemet(BUDGET, 3, 4)
    rows[5][4] = 'écran 24" large'
    p = _ecrire(tmp_path / "t.csv", _texte(rows, ";").encode("cp1252"))
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire))
    assert str(exc.value).endswith(
        "t.csv, ligne 3, colonne « libelle » : un guillemet ouvre cette cellule, qui ne se referme qu'à la ligne 6 "
        "(suivi d'un texte au lieu d'un séparateur) : elle absorberait les 3 lignes suivantes — " + CONSEIL_GUILLEMET)
    # closed at the end of a cell, lines 4 and 5 whole rows inside it: the same as a comment over lines, read so,
    # unless the file has one record a line (a switchboard's call log), where it is refused
    entete = BUDGET[0] + ["a", "b"]
    rows = [entete] + [r + ["x", "y"] for r in BUDGET[1:]]
    rows[2][3], rows[5][6] = '"Postes', 'y"'
    p = _ecrire(tmp_path / "u.csv", _texte(rows, ";").encode("cp1252"))
    assert len(ouvrir(p, Format(colonnaire=colonnaire, personnel=True)).cellules()) == len(rows) - 1 - 3
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire, personnel=True, une_ligne_par_enregistrement=True))
    assert str(exc.value).endswith(
        "u.csv, ligne 3, colonne « D » : un guillemet ouvre cette cellule, qui ne se referme qu'à la ligne 6 (dans "
        "ce fichier, aucune cellule ne s'étend sur plusieurs lignes) : elle absorberait les 3 lignes suivantes — "
        + CONSEIL_GUILLEMET)


@pytest.mark.parametrize("colonnaire", [False, True])
def test_a_cell_too_long_is_refused_naming_its_column(tmp_path, colonnaire):
    p = _ecrire(tmp_path / "t.csv", b"a;b;c\n1;2;3\n4;" + b"x" * 131_073 + b";6\n")
    with pytest.raises(ErreurDonnees) as exc:
        ouvrir(p, Format(colonnaire=colonnaire))
    assert "t.csv, ligne 3, colonne « b » : cellule de plus de 131\u202f072 caractères — une cellule si longue " \
           "n'est pas une donnée d'un tableau" in str(exc.value)
    with pytest.raises(ErreurDonnees, match="ligne 3, colonne « B » : cellule de plus"):
        ouvrir(p, Format(colonnaire=colonnaire, personnel=True))


def _feuille_coupee(source, dest, numero: int):
    """`source` with the XML of its sheet `numero` (1: the first) cut in the middle, as a copy interrupted leaves it:
    the zip is sound, openpyxl opens it, and fails only when that sheet is read."""
    import zipfile

    with zipfile.ZipFile(source) as z:
        membres = {i.filename: z.read(i) for i in z.infolist()}
    feuille = f"xl/worksheets/sheet{numero}.xml"
    membres[feuille] = membres[feuille][: len(membres[feuille]) // 2]
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    return dest


def test_a_cut_sheet_met_while_the_expected_columns_are_looked_for_is_refused_in_french(tmp_path):
    lisez_moi = [["Export du budget 2025"]]
    donnees = [["section", "montant"], ["fonctionnement", 12.5]]
    sain = _classeur(tmp_path / "sain.xlsx", {"Lisez-moi": lisez_moi, "Lignes": donnees})
    fmt = Format(colonnes_attendues=("section", "montant"))
    # the first sheet cut: it is the one read, and refused as such (never another sheet read in its place)
    with pytest.raises(ErreurDonnees, match=r"feuille illisible, le classeur est peut-être abîmé ou tronqué"):
        ouvrir(_feuille_coupee(sain, tmp_path / "premiere.xlsx", 1), fmt)
    # another sheet cut, the first holding no expected column: none to choose, the first read (and named)
    t = ouvrir(_feuille_coupee(sain, tmp_path / "autre.xlsx", 2), fmt)
    assert t.feuille == "Lisez-moi"


def test_the_sheet_holding_the_expected_columns_is_read_when_the_first_holds_none(tmp_path):
    lisez_moi = [["Export du budget 2025"], [], ["Les lignes sont sur la feuille suivante."]]
    donnees = [["section", "montant"], ["fonctionnement", 12.5]]
    p = _classeur(tmp_path / "t.xlsx", {"Lisez-moi": lisez_moi, "Lignes": donnees})
    t = ouvrir(p, Format(colonnes_attendues=("SECTION", "montant")))  # without case, as a reader lists them
    assert (t.feuille, t.entete, t.lignes) == ("Lignes", ["section", "montant"], [(2, ["fonctionnement", "12.5"])])
    assert t.description() == ("classeur Excel (.xlsx), feuille « Lignes » (la première feuille, « Lisez-moi », ne "
                               "porte pas les colonnes attendues)")
    assert str(t.probleme("colonne « x » absente")).endswith(
        "t.xlsx (feuille « Lignes ») : colonne « x » absente — la feuille « Lignes » est lue, la seule du classeur "
        "qui porte les colonnes attendues")
    # no expected columns, or two other sheets that hold them: the first sheet, and the messages name the others
    assert ouvrir(p).feuille == "Lisez-moi"
    p = _classeur(tmp_path / "u.xlsx", {"Lisez-moi": lisez_moi, "2024": donnees, "2025": donnees})
    t = ouvrir(p, Format(colonnes_attendues=("section",)))
    assert t.feuille == "Lisez-moi" and t.description() == "classeur Excel (.xlsx), première feuille"
    assert "seule la feuille « Lisez-moi » est lue ; si le tableau est sur une autre feuille (« 2024 », « 2025 »)" \
        in str(t.probleme("x"))
    # a first sheet holding one expected column is the table, as before; a sheet the format names is read
    p = _classeur(tmp_path / "v.xlsx", {"Notes": [["section"], ["a"]], "Lignes": donnees})
    assert ouvrir(p, Format(colonnes_attendues=("section", "montant"))).feuille == "Notes"
    assert ouvrir(p, Format(feuille="Lignes", colonnes_attendues=("section",))).description(feuille=True) == \
        "classeur Excel (.xlsx), feuille « Lignes »"
