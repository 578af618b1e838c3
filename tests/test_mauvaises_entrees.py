"""The catalogue of bad inputs, for every raw file the reports read (generated from its Table
Schema): each is refused with a French message naming file, row and column — or, when it can be
read without doubt (Excel's CSV, an .xlsx), read into exactly the same table."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from conftest import cli, copier_depot

from cln_analysis import catalogue, config, donnees
from cln_analysis.erreurs import ErreurDonnees

RESOURCES = [r for r in donnees.datapackage()["resources"]]
IDS = [r["name"] for r in RESOURCES]


def _rows(res):
    text = (config.RAW_DIR / res["path"]).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def _write(path, rows, delimiter=",", encoding="utf-8", newline="\n", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return path


def _refus(res, path) -> str:
    with pytest.raises(ErreurDonnees) as exc:
        donnees.charger(res["name"], path)
    text = str(exc.value)
    assert path.name in text
    return text


def _champ(res, types):
    return next((i, f) for i, f in enumerate(res["schema"]["fields"]) if f["type"] in types)


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_missing_empty_and_header_only(res, tmp_path):
    assert "fichier introuvable" in _refus(res, tmp_path / "absent.csv")
    (tmp_path / "vide.csv").write_text("")
    assert "vide" in _refus(res, tmp_path / "vide.csv")
    assert "aucune ligne de données" in _refus(res, _write(tmp_path / "entete.csv", _rows(res)[:1]))


@pytest.mark.parametrize("res", [r for r in RESOURCES if any(f.get("constraints", {}).get("required")
                                                              for f in r["schema"]["fields"])], ids=lambda r: r["name"])
def test_required_column_missing_and_unknown_column(res, tmp_path):
    rows = _rows(res)
    i, f = next((i, f) for i, f in enumerate(res["schema"]["fields"]) if f.get("constraints", {}).get("required"))
    text = _refus(res, _write(tmp_path / "sans.csv", [r[:i] + r[i + 1:] for r in rows]))
    assert f"ligne 1, colonne « {f['name']} » : colonne obligatoire absente" in text
    text = _refus(
        res, _write(tmp_path / "en_trop.csv", [rows[0] + ["colonne_en_trop"]] + [r + ["x"] for r in rows[1:]])
    )
    assert "colonne « colonne_en_trop » : colonne inconnue" in text


@pytest.mark.parametrize(
    "res",
    [r for r in RESOURCES if any(f["type"] in ("integer", "number") for f in r["schema"]["fields"])],
    ids=lambda r: r["name"],
)
def test_text_where_a_number_is_due_and_negative(res, tmp_path):
    rows = _rows(res)
    i, f = _champ(res, ("integer", "number"))
    rows[1][i] = "3 058 244 €"
    text = _refus(res, _write(tmp_path / "texte.csv", rows))
    assert f"ligne 2, colonne « {f['name']} » : « 3 058 244 € » n'est pas" in text
    if "minimum" not in f.get("constraints", {}):  # a signed amount (SCDL BGT_MTREAL): a negative is valid
        return
    rows[1][i] = "-5"
    assert f"ligne 2, colonne « {f['name']} » : -5 est inférieur au minimum" in _refus(
        res, _write(tmp_path / "neg.csv", rows)
    )


@pytest.mark.parametrize("res", [r for r in RESOURCES if r["schema"].get("primaryKey")], ids=lambda r: r["name"])
def test_duplicated_key_row(res, tmp_path):
    rows = _rows(res)
    text = _refus(res, _write(tmp_path / "double.csv", rows + [rows[1]]))
    assert f"ligne {len(rows) + 1}" in text and "figure déjà ligne 2" in text


#: Rows of a large example (the call log: 24 513) kept for this test: the same rules apply to every row, and
#: writing a whole log with openpyxl only to read it back takes seconds.
LIGNES_MAX = 2000


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_excel_csv_and_xlsx_give_the_same_table(res, tmp_path):
    rows = _rows(res)
    if len(rows) > LIGNES_MAX + 1:
        rows = rows[:LIGNES_MAX + 1]
        ref = donnees.charger(res["name"], _write(tmp_path / f"debut_{Path(res['path']).name}", rows))
        assert len(ref) == LIGNES_MAX
    else:
        ref = donnees.charger(res["name"])
    decimal = [
        [c.replace(".", ",") if f["type"] == "number" else c for c, f in zip(r, res["schema"]["fields"], strict=False)]
        for r in rows[1:]
    ]
    if all(c.encode("cp1252", errors="ignore").decode("cp1252") == c for r in rows for c in r):
        excel = _write(tmp_path / "excel.csv", [rows[0]] + decimal, delimiter=";", encoding="cp1252", newline="\r\n")
        assert donnees.charger(res["name"], excel).equals(ref)
    utf8 = _write(tmp_path / "excel_utf8.csv", [rows[0]] + decimal, delimiter=";", newline="\r\n", bom=True)
    assert donnees.charger(res["name"], utf8).equals(ref)
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / "classeur.xlsx")
    assert donnees.charger(res["name"], tmp_path / "classeur.xlsx").equals(ref)


def test_a_digital_budget_above_its_total_fails_the_report(depot):
    (depot / "data/raw/budget_mandate.csv").write_text(
        "annee,section,budget_numerique,budget_total\n2025,investissement,50000000,41801894\n2025,fonctionnement,4508759,163049676\n"
    )
    res = cli(depot, "run", "budget")
    assert res.returncode == 1
    assert (
        "budget_mandate.csv, ligne 2, colonne « budget_numerique » : le budget numérique (50000000) dépasse"
        in res.stderr
    )
    assert "Traceback" not in res.stderr + res.stdout


CHEMINS_ABSENTS = [
    ("budget", "donnees"),
    ("cvs", "donnees"),
    ("appels", "donnees"),
    ("grille", "notes"),
    ("retours", "donnees"),
]


def test_a_path_that_does_not_exist(tmp_path):
    """One run of every report, each given a path that does not exist (one run, not one per report): each
    report fails with one French line naming the path, no traceback."""
    # without bilan, which would run on its sources' failures
    depot = copier_depot(tmp_path, [r for r, _ in CHEMINS_ABSENTS])
    # several reports declare `donnees`: each value names its report
    params = [a for r, p in CHEMINS_ABSENTS for a in ("-p", f"{r}.{p}=data/raw/nexiste_pas.csv")]
    res = cli(depot, "run", *[r for r, _ in CHEMINS_ABSENTS], *params)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    for report, _ in CHEMINS_ABSENTS:
        lines = [ln for ln in res.stderr.splitlines() if ln.startswith(f"  {report} : ")]
        assert len(lines) == 1, report
        assert lines[0].startswith(f"  {report} : data/raw/nexiste_pas.csv : fichier introuvable"), report


def test_debug_shows_the_trace(depot):
    res = cli(depot, "--debug", "run", "budget", "-p", "population=abc")
    assert res.returncode == 2 and "Traceback" in res.stderr


def test_strings_stay_strings(depot):
    from cln_analysis.parametres import Parametre, convertir

    assert convertir("x", Parametre("code", "str", False, '"01053"', ""), "01053") == "01053"
    assert convertir("x", Parametre("n", "int", True, "None", ""), "100000") == 100000
    assert convertir("x", Parametre("p", "float", True, "None", ""), "1/3") == pytest.approx(1 / 3)
    assert convertir("x", Parametre("p", "float", True, "None", ""), "0,5") == 0.5


@pytest.mark.parametrize(
    "report,param",
    [
        ("budget", "annee"),
        ("budget", "population"),
        ("cvs", "part_nouveaux"),
        ("appels", "jours_ouvres"),
        ("appels", "objectif_decroche"),
        ("grille", "seuil_publication"),
        ("retours", "seuil_publication"),
    ],
)
def test_every_numeric_parameter_refuses_text(depot, report, param):
    res = cli(depot, "run", report, "-p", f"{param}=abc")
    assert res.returncode == 2
    assert f"paramètre « {param} » : « abc » n'est pas un nombre" in res.stderr


# ----------------------------------------------------------------------------- overflow, zero, missing row, field
# limit, special files (issue 16), for every raw resource

NUMERIQUES = [r for r in RESOURCES if any(f["type"] in ("integer", "number") for f in r["schema"]["fields"])]
#: The column of each raw file that a report divides by.
DIVISEURS = {"budget_mandate": "budget_total", "appels_standard": "appels_recus"}


@pytest.mark.parametrize("res", NUMERIQUES, ids=lambda r: r["name"])
@pytest.mark.parametrize("valeur", ["99999999999999999999", "1e20", "1e400"])
def test_overflowing_numbers(res, tmp_path, valeur):
    rows = _rows(res)
    i, f = _champ(res, ("integer", "number"))
    rows[1][i] = valeur
    text = _refus(res, _write(tmp_path / "grand.csv", rows))
    assert f"ligne 2, colonne « {f['name']} » : « {valeur} » est un nombre trop grand" in text


@pytest.mark.parametrize("res", [r for r in RESOURCES if r["name"] in DIVISEURS], ids=lambda r: r["name"])
def test_zero_where_a_division_needs_a_positive_number(res, tmp_path):
    """Every column that a report divides by: 0 is refused by `check` (file, row, column)."""
    from cln_analysis import verification

    rows = _rows(res)
    i = rows[0].index(DIVISEURS[res["name"]])
    for j, name in enumerate(rows[0]):  # zero the whole row so that the other rules still hold
        if any(
            f["name"] == name and f["type"] in ("integer", "number") and name not in ("annee",)
            for f in res["schema"]["fields"]
        ):
            rows[1][j] = "0"
    df = donnees.charger(res["name"], _write(tmp_path / "zero.csv", rows))
    probs = verification.regles()[res["name"]](df)
    assert any(p.ligne == 2 and p.colonne == rows[0][i] for p in probs), probs


@pytest.mark.parametrize("res", [r for r in RESOURCES if catalogue.lignes_requises(r["name"])], ids=lambda r: r["name"])
def test_every_required_context_row_missing(res, tmp_path):
    rows = _rows(res)
    k = rows[0].index("indicateur")
    for indicateur in catalogue.lignes_requises(res["name"]):
        kept = [r for r in rows if r[k] != indicateur]
        text = _refus(res, _write(tmp_path / f"sans_{indicateur}.csv", kept))
        assert f"colonne « indicateur » : la ligne de l'indicateur « {indicateur} » manque" in text


@pytest.mark.parametrize("res", RESOURCES, ids=IDS)
def test_field_limit_nul_byte_and_special_files(res, tmp_path):
    import os

    rows = _rows(res)
    i = next((i for i, f in enumerate(res["schema"]["fields"]) if f["type"] == "string"), 0)
    big = [list(r) for r in rows]
    big[1][i] = "x" * 200_000
    colonne = res["schema"]["fields"][i]["name"]  # the file's title of that column (a header is no personal data)
    assert f"ligne 2, colonne « {colonne} » : cellule de plus de 131" in _refus(res, _write(tmp_path / "long.csv", big))
    nul = [list(r) for r in rows]
    nul[-1][i] = "a\x00b"
    assert f"ligne {len(rows)} : caractère nul" in _refus(res, _write(tmp_path / "nul.csv", nul))
    fifo = tmp_path / "tube.csv"
    os.mkfifo(fifo)
    assert "n'est pas un fichier ordinaire" in _refus(res, fifo)  # did hang: nobody writes to the pipe
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    assert "n'est pas un fichier ordinaire" in _refus(res, zero)  # did read forever
    huge = tmp_path / "enorme.csv"
    with open(huge, "wb") as fh:
        fh.truncate(donnees.TAILLE_MAX + 1)  # sparse: no disk used
    assert "fichier trop gros" in _refus(res, huge)
