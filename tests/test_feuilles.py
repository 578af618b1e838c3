"""Scoring sheets: blank templates, and the round trips members' sheets go through."""

import csv
import io
import re

import openpyxl
import pytest
from conftest import cli

from cln_analysis import donnees, feuilles
from cln_analysis.erreurs import ErreurDonnees

CRIT = donnees.charger("grille_criteres").sort_values("ordre")
TITRES = list(CRIT["titre"])
NOMS = ["Zoé Secret", "Yanis Confidentiel", "Xavier Discret", "Wendy Privée", "Victor Caché", "Ursule Anonyme"]
ROWS = [[3, 2, 1, 0, 4, 2, 3, 1], [4, 3, "NSPP", 1, 3, 2, 2, 2], [3, 3, 2, None, 4, 1, 3, 2],
        [2, 3, 2, 1, 3, 2, 2, 3], [3, 4, 3, 1, 4, 1, 1, 2], [4, 3, 2, 0, 3, 2, 2, 2]]


def _remplir_xlsx(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["Notes"]
    for r, (name, scores) in enumerate(zip(NOMS, ROWS, strict=False), start=2):
        ws.cell(row=r, column=1, value=name)
        for i, v in enumerate(scores):
            ws.cell(row=r, column=2 + 2 * i, value=v)
            ws.cell(row=r, column=3 + 2 * i, value=f"<script>alert('{name}')</script> COMMENTAIRE-PRIVÉ {name}")
    wp = wb["Pondération"]
    for r, name in enumerate(NOMS[:2], start=2):
        wp.cell(row=r, column=1, value=name)
        for i in range(8):
            wp.cell(row=r, column=2 + i, value=30 if i == 0 else 10)
    wb.save(path)


def test_xlsx_template_has_three_sheets_and_drop_downs(tmp_path):
    path = feuilles.ecrire(tmp_path / "grille.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Notes", "Pondération", "Grille"]
    header = [c.value for c in wb["Notes"][1]]
    assert header[0] == "Membre" and header[1::2] == TITRES and header[2] == "Commentaire – " + TITRES[0]
    dv = wb["Notes"].data_validations.dataValidation
    assert any(v.formula1 == '"0,1,2,3,4,NSPP"' for v in dv)
    wp_header = [c.value for c in wb["Pondération"][1]]
    assert wp_header[1:9] == TITRES and wp_header[9].startswith("Total")
    assert wb["Pondération"]["J2"].value.startswith("=IF(")
    grid = [r[0].value for r in wb["Grille"].iter_rows(min_row=2, max_row=9)]
    assert grid == TITRES


def test_csv_template_is_the_notes_header_alone(tmp_path):
    path = feuilles.ecrire(tmp_path / "grille.csv")
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [feuilles.colonnes_notes(CRIT)]


def test_xlsx_round_trip(tmp_path):
    path = feuilles.ecrire(tmp_path / "grille.xlsx")
    _remplir_xlsx(path)
    notes = feuilles.lire_notes(path, CRIT)
    assert notes.shape == (6, 8) and list(notes.columns) == list(CRIT["critere"])
    assert notes.isna().sum().sum() == 2  # NSPP and the empty cell are abstentions
    assert list(notes.index) == [f"M{i:04d}" for i in range(1, 7)]
    points = feuilles.lire_ponderations(path, CRIT)
    assert points.shape == (2, 8) and points.sum(axis=1).tolist() == [100, 100]


def _csv_rempli(template):
    """The generated blank CSV, filled in: its own header row, then one row per member."""
    rows = [next(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))]
    for name, scores in zip(NOMS, ROWS, strict=False):
        row = [name]
        for v in scores:
            row += ["" if v is None else str(v), "commentaire"]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_csv_as_written_and_as_excel_saves_it(tmp_path):
    template = feuilles.ecrire(tmp_path / "vierge.csv")
    written = tmp_path / "notes.csv"
    written.write_text("\ufeff" + _csv_rempli(template), encoding="utf-8")
    excel = tmp_path / "notes_excel.csv"
    rows = list(csv.reader(io.StringIO(_csv_rempli(template))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    excel.write_bytes(out.getvalue().encode("cp1252"))
    a, b = feuilles.lire_notes(written, CRIT), feuilles.lire_notes(excel, CRIT)
    assert a.equals(b)
    assert a.loc["M0001"].tolist() == [3, 2, 1, 0, 4, 2, 3, 1]


def test_long_layout(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("repondant,critere,note\nA,usage,3\nA,Cohérence, stratégie de territoire,2\n".replace(
        "Cohérence, stratégie de territoire", '"Cohérence, stratégie de territoire"') + "B,usage,NSPP\nB,fiabilite,1\n")
    notes = feuilles.lire_notes(p, CRIT)
    assert notes.shape == (2, 8)
    assert notes.loc["M0001", "coherence"] == 2 and notes["usage"].isna().sum() == 1


@pytest.mark.parametrize("cell", ["5", "2,5", "bien"])
def test_invalid_score_names_row_member_and_criterion(tmp_path, cell):
    p = tmp_path / "n.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["Membre", TITRES[0]], ["A", "3"], ["B", cell]])
    p.write_text(out.getvalue())
    with pytest.raises(ErreurDonnees) as exc:
        feuilles.lire_notes(p, CRIT)
    [prob] = exc.value.problemes
    assert (prob.ligne, prob.colonne) == (3, "B")  # the sheet's column letter
    assert "cette case n'est pas une note" in str(prob) and "membre n° 2" in str(prob)
    assert f"critère « {TITRES[0]} »" in str(prob)
    assert f"« {cell} »" not in str(prob)  # a cell's text is never quoted: it may be a name or a comment


def test_unknown_criterion_and_duplicated_member(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("Membre,usage,rapidite\nA,3,2\n")
    with pytest.raises(ErreurDonnees, match="ligne 1, colonne « C » : titre de critère inconnu") as exc:
        feuilles.lire_notes(p, CRIT)
    assert "rapidite" not in str(exc.value)
    p.write_text("Membre,usage\nA,3\nB,2\na,1\n")
    with pytest.raises(ErreurDonnees) as exc:
        feuilles.lire_notes(p, CRIT)
    assert "ligne 4" in str(exc.value) and "membre en double" in str(exc.value) and "déjà ligne 2" in str(exc.value)


def test_weights_must_total_100(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("Membre," + ",".join(f'"{t}"' for t in TITRES) + "\nA,50,10,10,10,10,10,10,10\n")
    with pytest.raises(ErreurDonnees, match="totalisent 120 au lieu de 100"):
        feuilles.lire_ponderations(p, CRIT)


def test_template_command(depot, tmp_path):
    res = cli(depot, "template", "grille", "-o", str(tmp_path / "vierge.xlsx"))
    assert res.returncode == 0 and (tmp_path / "vierge.xlsx").exists()
    res = cli(depot, "template", "grille", "-o", str(tmp_path / "vierge.pdf"))
    assert res.returncode == 2 and "non prise en charge" in res.stderr


def test_names_and_comments_never_reach_the_outputs(depot_copie, tmp_path):
    depot = depot_copie  # produced: the run redoes the grid and the bilan that reads it
    sheet = feuilles.ecrire(tmp_path / "retour.xlsx")
    _remplir_xlsx(sheet)
    res = cli(depot, "run", "grille", "-p", f"notes={sheet}", "-p", f"ponderations={sheet}")
    assert res.returncode == 0, res.stderr
    outputs = [p for d in ("reports", "data/processed") for p in (depot / d).rglob("*") if p.is_file()]
    assert len(outputs) > 5
    for p in outputs:
        text = p.read_text(encoding="utf-8", errors="replace")
        for name in NOMS:
            assert name not in text, (name, p)
        assert "COMMENTAIRE-PRIVÉ" not in text and "alert(" not in text, p
    html = (depot / "reports/grille.html").read_text(encoding="utf-8")
    assert "Données fictives" not in html  # real sheets: no banner
    # two members shared their points: below the threshold (5), the weights are not published
    assert "grille.score_global_pondere" not in (depot / "data/processed/figures.csv").read_text(encoding="utf-8")
    assert re.search(r"Membres ayant réparti leurs points entre les critères\s*:\s*2\.", html), html[-3000:]


def test_every_way_of_writing_a_score_or_an_abstention(tmp_path):
    """A large sheet is read column-wise; each spelling reads as the row by row reading reads it."""
    p = tmp_path / "n.csv"
    p.write_text("Membre,usage,coherence,fiabilite\n"
                 "A,3,\" 4,00 \",nspp\n"
                 ",,,\n"  # a blank row of the template
                 "B,N.S.P.P.,1.0,\n"
                 "C,0,NSP,2\n", encoding="utf-8")
    notes = feuilles.lire_notes(p, CRIT)
    assert list(notes.index) == ["M0001", "M0002", "M0003"]
    nan = float("nan")
    assert notes[["usage", "coherence", "fiabilite"]].values.ravel().tolist() == pytest.approx(
        [3.0, 4.0, nan, nan, 1.0, nan, 0.0, nan, 2.0], nan_ok=True)
    assert notes.columns.tolist() == CRIT["critere"].tolist() and notes["vie_privee"].isna().all()


def test_member_names_compare_as_column_titles_do():
    """Duplicated members are found by the same normalisation, one name at a time or a column at once."""
    import pandas as pd

    names = ["  Camille\u00a0 Exemple ", "E\u0301lise", "l\u2019Ami", "MAJ  x", "ß"]
    assert list(feuilles._cles(pd.Series(names))) == [feuilles._cle(n) for n in names]
