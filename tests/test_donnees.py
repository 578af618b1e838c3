"""Loading and validation: what is read without doubt gives the same table, the rest is refused
with a French message naming file, row and column."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cln_analysis import config, donnees
from cln_analysis.erreurs import ErreurDonnees

RAW = config.RAW_DIR / "budget_mandate.csv"


def _excel_csv(src: Path, dest: Path, decimal_comma: bool = False) -> Path:
    """`src` as Excel on Windows saves it: `;`, Windows-1252, CRLF, with a BOM-less encoding."""
    text = src.read_text(encoding="utf-8").replace(",", ";")
    dest.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return dest


def _erreur(nom: str, path: Path) -> ErreurDonnees:
    with pytest.raises(ErreurDonnees) as exc:
        donnees.charger(nom, path)
    return exc.value


def test_raw_file_loads_typed_with_line_numbers():
    df = donnees.charger("budget_mandate")
    assert list(df.index) == [2, 3]
    assert df.loc[2, "budget_numerique"] == 3058244
    assert str(df["budget_total"].dtype) == "int64"


def test_excel_csv_is_read_as_the_same_table(tmp_path):
    ref = donnees.charger("budget_mandate")
    df = donnees.charger("budget_mandate", _excel_csv(RAW, tmp_path / "budget.csv"))
    assert df.equals(ref)
    assert "point-virgule" in df.attrs["lecture"]


def test_utf8_bom_and_crlf_are_read(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"\xef\xbb\xbf" + RAW.read_bytes().replace(b"\n", b"\r\n"))
    assert donnees.charger("budget_mandate", p).equals(donnees.charger("budget_mandate"))


def test_cp1252_accents_are_decoded(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("indicateur;valeur;unite;millesime;source\r\n"
                  "population;99500;habitants;INSEE 2022;Compte-rendu, annexe « Contexte »\r\n"
                  "precarite_numerique;0,223;ratio;INSEE 2020;Compte-rendu\r\n".encode("cp1252"))
    df = donnees.charger("territoire", p)
    assert df.iloc[0]["source"] == "Compte-rendu, annexe « Contexte »"


def test_decimal_comma_in_excel_csv(tmp_path):
    p = tmp_path / "c.csv"
    p.write_bytes("statut;part_ville;part_etat\r\nnouveau;0,2;0,8\r\nreconduit;0,5;0,5\r\n".encode("cp1252"))
    assert donnees.charger("cvs_cofinancement", p)["part_ville"].tolist() == [0.2, 0.5]


def test_xlsx_is_read_as_the_same_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in RAW.read_text(encoding="utf-8").splitlines():
        ws.append([int(x) if x.isdigit() else x for x in line.split(",")])
    p = tmp_path / "budget.xlsx"
    wb.save(p)
    assert donnees.charger("budget_mandate", p).equals(donnees.charger("budget_mandate"))


def test_missing_file(tmp_path):
    e = _erreur("budget_mandate", tmp_path / "absent.csv")
    assert "fichier introuvable" in str(e) and "absent.csv" in str(e)


def test_empty_file_and_header_only(tmp_path):
    p = tmp_path / "vide.csv"
    p.write_text("")
    assert "vide" in str(_erreur("budget_mandate", p))
    p.write_text("annee,section,budget_numerique,budget_total\n")
    assert "aucune ligne de données" in str(_erreur("budget_mandate", p))


def test_missing_and_unknown_columns_are_named(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_totale\n2025,investissement,1,2\n")
    text = str(_erreur("budget_mandate", p))
    assert "colonne « budget_totale »" in text and "colonne inconnue" in text
    assert "colonne « budget_total »" in text and "obligatoire absente" in text


def test_hand_typed_amount_is_refused_with_row_and_column(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_total\n2025,investissement,3 058 244 €,41801894\n"
                 "2025,fonctionnement,4508759,163049676\n")
    e = _erreur("budget_mandate", p)
    [prob] = e.problemes
    assert (prob.ligne, prob.colonne) == (2, "budget_numerique")
    assert "« 3 058 244 € » n'est pas un nombre entier" in str(e) and "(3058244)" in str(e)


def test_negative_amount_is_refused(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_total\n2025,investissement,-5,41801894\n")
    e = _erreur("budget_mandate", p)
    assert e.problemes[0].ligne == 2 and "minimum 0" in str(e)


def test_duplicated_key_names_both_lines(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_total\n2025,investissement,1,2\n2025,investissement,1,2\n")
    e = _erreur("budget_mandate", p)
    assert e.problemes[0].ligne == 3 and "figure déjà ligne 2" in str(e)


def test_ambiguous_dot_in_semicolon_file_is_refused(tmp_path):
    p = tmp_path / "c.csv"
    p.write_bytes(b"statut;part_ville;part_etat\r\nnouveau;0.2;0,8\r\n")
    assert "ambigu" in str(_erreur("cvs_cofinancement", p))


def test_every_problem_is_listed_at_once(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("annee,section,budget_numerique,budget_total\n2025,investisement,x,-1\n")
    assert len(_erreur("budget_mandate", p).problemes) == 3


def test_old_xls_and_binary_are_refused(tmp_path):
    p = tmp_path / "b.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "97-2003" in str(_erreur("budget_mandate", p))


def test_raw_data_is_valid_for_frictionless_too():
    from frictionless import validate

    report = validate(str(config.DATAPACKAGE))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])


@pytest.mark.parametrize("fin", ["\n", "\n\n", "\r\n\r\n", "\n;;;\n", "\n\n\n"])
def test_blank_lines_anywhere_are_skipped_and_lines_keep_their_numbers(tmp_path, fin):
    """The fast reading (no cell to clean) and the careful one give the same rows: a blank last line, a blank
    line in the middle or a row of bare separators is no row; line numbers stay the file's own."""
    nl = "\r\n" if "\r" in fin else "\n"
    p = tmp_path / "t.csv"
    p.write_text(f"sep=;{nl}a;b;c;d{nl}1;2;3;4{nl}{nl}5;6;7;8{fin}", encoding="cp1252", newline="")
    lecture = donnees.lire(p)
    assert lecture.entete == ["a", "b", "c", "d"]
    assert lecture.lignes == [(3, ["1", "2", "3", "4"]), (5, ["5", "6", "7", "8"])]
    p.write_text(f"a,b\n1,2{fin.replace(';', ',')}", encoding="utf-8", newline="")
    assert donnees.lire(p).lignes == [(2, ["1", "2"])]


def test_fast_and_careful_readings_agree_on_quoted_multiline_cells(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('a,b\n1,"x\ny"\n2,3\n" 4 ",5\n', encoding="utf-8", newline="")
    assert donnees.lire(p).lignes == [(2, ["1", "x\ny"]), (4, ["2", "3"]), (5, ["4", "5"])]
    assert donnees.sans_nettoyage("a,b\n1,2\n", ",") and not donnees.sans_nettoyage("a,b\n1, 2\n", ",")


@pytest.mark.parametrize("contenu, lignes", [
    (b"a,b\r c,d\r", [(2, ["c", "d"])]),  # bare CR line ends (old Mac files) are cleaned like the others
    (b"a,b\r,\r1,2\r", [(3, ["1", "2"])]),
    (b"a,b\r1,2\r,\r", [(2, ["1", "2"])]),
    (b'a,b\n"x\n",y\n', [(2, ["x", "y"])]),  # a line break at either end of a quoted cell is trimmed
    (b'a,b\n1,"\nx"\n', [(2, ["1", "x"])]),
    (b'a,b\r\n"x\r\n",y\r\n', [(2, ["x", "y"])]),
    (b'a,b\n1,"\r"\n', [(2, ["1", ""])]),
])
def test_fast_reading_never_skips_a_cleaning(tmp_path, contenu, lignes):
    p = tmp_path / "t.csv"
    p.write_bytes(contenu)
    assert donnees.lire(p).lignes == lignes


@pytest.mark.parametrize("contenu", [b"sep=;\n", b"sep=;", b"\xef\xbb\xbf", b"sep=;\ra;b\r1;2\r"])
def test_nothing_after_the_bom_or_sep_line_is_an_empty_file(tmp_path, contenu):
    p = tmp_path / "t.csv"
    p.write_bytes(contenu)
    with pytest.raises(ErreurDonnees, match="le fichier est vide"):
        donnees.lire(p)


def test_a_column_is_named_by_the_title_the_file_has(tmp_path):
    p = tmp_path / "appels.csv"
    p.write_text("Période,Appels reçus,Appels perdus,Appels répondus\n2023,134702,31916,102786\n"
                 "2024,beaucoup,18268,90172\n", encoding="utf-8")
    e = _erreur("appels_standard", p)
    [prob] = e.problemes
    assert (prob.ligne, prob.colonne) == (3, "Appels reçus")  # the file's own title, not the id appels_recus
    assert "appels_recus" not in str(e)


def test_a_title_row_above_a_wide_header_says_to_delete_line_1(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("Budget 2025,,,\nannee,section,budget_numerique,budget_total\n2025,investissement,1,2\n",
                 encoding="utf-8")
    text = str(_erreur("budget_mandate", p))
    assert "supprimez la ligne 1" in text and "guillemets" not in text


def test_a_repeated_text_gets_the_verdict_it_would_get_alone(tmp_path, monkeypatch):
    """Each column's verdict on a text is remembered: the same problems (each on its own row), the same typed
    table, as when every cell is worked out again (nothing remembered, MEMOIRE_MAX = 0); and past MEMOIRE_MAX
    distinct texts of a column, the others are still checked."""
    p = tmp_path / "journal.csv"
    lignes = ["debut,appelant,parcours,attente_s,duree_s"]
    for i in range(40):  # 12 distinct durations, two bad texts repeated, a bad outcome twice
        parcours = "parti" if i in (5, 30) else ("agent" if i % 2 else "perdu")
        attente = "x" if i % 13 == 0 else ("-4" if i % 17 == 0 else str(i % 12))
        lignes.append(f"2026-04-{1 + i % 28:02d} 09:{i:02d}:00,01 99 00 00 {i % 5:02d},{parcours},{attente},{i % 7}")
    p.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    schema = donnees.ressource("journal_appels_exemple")["schema"]

    def verdict():
        df, problemes = donnees.valider(donnees.lire(p), schema)
        return df, [(pb.ligne, pb.colonne, pb.message, pb.conseil) for pb in problemes]

    retenu = verdict()
    monkeypatch.setattr(donnees, "MEMOIRE_MAX", 0)
    assert retenu == verdict() and retenu[0] is None
    assert sorted({ligne for ligne, *_ in retenu[1]}) == sorted(
        {i + 2 for i in range(40) if i % 13 == 0 or i % 17 == 0 or i in (5, 30)})
    monkeypatch.setattr(donnees, "MEMOIRE_MAX", 3)
    assert verdict() == retenu
    # a clean file: the same typed table, remembered or not
    p.write_text("\n".join(ligne for k, ligne in enumerate(lignes) if k == 0 or (k - 1) not in
                           {i for i in range(40) if i % 13 == 0 or i % 17 == 0 or i in (5, 30)}) + "\n",
                 encoding="utf-8")
    sans_memoire = verdict()
    monkeypatch.setattr(donnees, "MEMOIRE_MAX", 20_000)
    avec_memoire = verdict()
    assert sans_memoire[1] == avec_memoire[1] == []
    pd.testing.assert_frame_equal(sans_memoire[0], avec_memoire[0])
    assert avec_memoire[0]["attente_s"].tolist() == [float(ligne.split(",")[3]) for ligne in
                                                     p.read_text(encoding="utf-8").splitlines()[1:]]
