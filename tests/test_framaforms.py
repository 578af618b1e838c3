"""Framaforms (Drupal Webform 7.x-4.x) exports: every fixture recognised and read into the same table as the
equivalent questionnaire or grid sheet, every refusal named by file, row and column letter, the Framaforms
sheets, and no IP address or username of the fixtures in anything returned or said."""

import csv
import datetime as dt
import importlib.util
import io
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest
from conftest import cli as lancer
from conftest import copier_depot

from cln_analysis import catalogue, cli, config, feuilles, framaforms, grille, questionnaire, retours
from cln_analysis.erreurs import ErreurDonnees
from cln_analysis.lecture import collecter, lettre
from cln_analysis.retours import Question

FIXTURES = config.ROOT / "tests" / "fixtures" / "framaforms"
_spec = importlib.util.spec_from_file_location("generer_framaforms", config.ROOT / "tools" / "generer_framaforms.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

RETOURS = sorted(p.name for p in FIXTURES.glob("retours_*"))
GRILLES = sorted(p.name for p in FIXTURES.glob("grille_*"))
CRITERES = pd.read_csv(config.ROOT / "data" / "raw" / "grille_criteres.csv")

#: typed by hand from the submissions of tools/generer_framaforms.py, the draft left out
EN_TETE = ["date", "canal", "motif", "reponse_obtenue", "agent_joint", "ia_comprise", "satisfaction", "rappellerait",
           "tranche_age", "commentaire"]
EQUIVALENT = [
    ["2026-03-05", "téléphone", "état civil", "en partie", "pas demandé", "oui", "4", "oui", "60 ans et plus", ""],
    ["2026-03-06", "permanence", "scolarité et enfance", "en partie", "pas demandé", "oui", "", "oui", "30 à 59 ans",
     ""],
    ["2026-03-08", "permanence", "autre", "oui", "oui", "oui", "1", "non", "60 ans et plus", "un commentaire"],
    ["2026-03-14", "en ligne", "social et solidarités", "", "non", "", "3", "non", "moins de 30 ans", ""],
    ["2026-03-17", "atelier", "élections", "non", "non", "non", "2", "ne sait pas", "30 à 59 ans", "un autre"],
    ["2026-03-21", "téléphone", "urbanisme", "oui", "oui", "oui", "5", "oui", "60 ans et plus", ""],
]
NOTES = "repondant,usage,coherence,impact_metiers,vie_privee,transparence,fiabilite,environnement,gouvernance\n" \
        "Hibou,4,3,2,0,NSPP,1,1,2\nLoutre,3,2,1,4,2,0,2,3\nCastor,3,3,3,1,,1,1,2\nBlaireau,4,3,2,3,NSPP,2,NSPP,2\n"
#: every personal string of the fixtures: IP addresses and usernames (UIDs are small numbers, pseudonyms are
#: handed to the collector: both checked there)
SECRETS = sorted({s[2] for s in gen.SOUMISSIONS_RETOURS + gen.SOUMISSIONS_GRILLE}
                 | {s[4] for s in gen.SOUMISSIONS_RETOURS + gen.SOUMISSIONS_GRILLE if s[4]})


#: a resident's words as a shifted title or header could carry them (issue 23), and what must never be quoted of it
FAUX_PERSONNEL = "Je suis Jeanne Martin 06 12 34 56 78, 12 rue de Lille"
FRAGMENTS = ("Jeanne", "Martin", "06 12 34", "rue de Lille")


def _lettre(j):
    return lettre(j)


def _texte_sortie(p):
    """A file's text as a leak would show in it; a workbook's parts unzipped."""
    if p.suffix == ".xlsx":
        with zipfile.ZipFile(p) as z:
            return "".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist())
    return p.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def depot_frais(tmp_path):
    return copier_depot(tmp_path)


def _sans_secret(*textes):
    for texte in textes:
        for s in SECRETS:
            assert s not in texte


def _questionnaire_equivalent(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Réponses"
    ws.append(EN_TETE)
    for row in EQUIVALENT:
        ws.append(row)
    wb.save(tmp_path / "equivalent.xlsx")
    return questionnaire.lire(tmp_path / "equivalent.xlsx")


def test_the_fixtures_are_what_the_generator_writes():
    assert sorted(gen.FIXTURES) == sorted(RETOURS + GRILLES)
    for name in gen.FIXTURES:
        assert (FIXTURES / name).read_bytes() == gen.contenu(name), name


def test_the_fixtures_keep_webform_s_exact_bytes():
    tsv = (FIXTURES / "retours_libelles_compact.tsv").read_bytes()
    assert tsv.startswith(b'"Votre avis sur l\'assistant t\xc3\xa9l\xc3\xa9phonique de la Ville"\t""\t')
    assert b"\r\n" not in tsv and b'\t"Submission Details"' not in tsv and tsv.split(b"\n")[1].startswith(
        b'"Submission Details"\t""')
    assert b'""transf\xc3\xa9r\xc3\xa9""' in tsv and b"[script]x[/script]" in tsv  # quotes doubled, <script> cut
    xls = (FIXTURES / "retours_excel_ancien.xls").read_bytes()
    assert xls[:2] == b"\xff\xfe" and xls[2:].decode("utf-16-le").split("\n")[2].split("\t")[6] == '"Adresse IP"'
    wb = openpyxl.load_workbook(FIXTURES / "retours_excel.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert rows[1][0] == "Submission Details" and rows[2][:3] == ("Serial", "SID", "Submitted Time")
    assert rows[3][2] == dt.datetime(2026, 3, 5, 10, 12)  # an Excel serial number with a date-time style


@pytest.mark.parametrize("name", RETOURS + GRILLES)
def test_every_fixture_is_recognised_by_its_shape(name):
    assert framaforms.est_export(FIXTURES / name)


@pytest.mark.parametrize("path", ["data/raw/retours_exemple.csv", "data/raw/grille_notes_exemple.csv"])
def test_today_s_files_are_not_exports(path, tmp_path):
    assert not framaforms.est_export(config.ROOT / path)
    assert not framaforms.est_export(questionnaire.ecrire(tmp_path / "vierge.xlsx"))


@pytest.mark.parametrize("name", RETOURS)
def test_an_export_gives_the_table_of_the_equivalent_questionnaire(name, tmp_path):
    attendu = _questionnaire_equivalent(tmp_path)
    with collecter() as recus:
        lu = framaforms.lire_retours(FIXTURES / name)
    pd.testing.assert_frame_equal(lu.reponses.reset_index(drop=True), attendu.reponses.reset_index(drop=True))
    assert lu.reponses.index.name == "ligne" and lu.reponses.index[0] == 4  # the file's own line, under 3 headers
    assert (lu.commentaires, lu.brouillons) == (attendu.commentaires, 1) == (2, 1)
    assert lu.lecture.startswith("export Framaforms")
    for ip in [s[2] for s in gen.SOUMISSIONS_RETOURS]:  # drafts' too: they are in the file
        assert recus.contient(ip)
    assert recus.contient("benevole.fictif") and recus.contient("agent.essai")
    assert recus.contient("COMMENTAIRE FICTIF, sans donnée personnelle.")  # the comments, for the last scan
    _sans_secret(lu.reponses.to_csv(), repr(lu))


def test_an_export_saved_after_a_readme_sheet_is_read_from_its_own_sheet(tmp_path):
    # the officer adds a « Lisez-moi » sheet in front of Framaforms' .xlsx export: the export's sheet is read, named
    wb = openpyxl.load_workbook(FIXTURES / "retours_excel.xlsx")
    export = wb.worksheets[0].title
    lisez = wb.create_sheet("Lisez-moi", 0)
    lisez.append(["Export du questionnaire, téléchargé depuis Framaforms le 6 mars 2026"])
    wb.save(tmp_path / "avec_lisez_moi.xlsx")
    assert framaforms.est_export(tmp_path / "avec_lisez_moi.xlsx")
    lu = framaforms.lire_retours(tmp_path / "avec_lisez_moi.xlsx")
    attendu = _questionnaire_equivalent(tmp_path)
    pd.testing.assert_frame_equal(lu.reponses.reset_index(drop=True), attendu.reponses.reset_index(drop=True))
    assert export != "Lisez-moi" and lu.reponses.index[0] == 4
    assert lu.lecture == (f"export Framaforms, classeur Excel (.xlsx), feuille « {export} » (la première feuille, "
                          "« Lisez-moi », ne porte pas les colonnes attendues)")


@pytest.mark.parametrize("name", GRILLES)
def test_a_grid_export_gives_the_table_of_the_equivalent_sheet(name, tmp_path):
    (tmp_path / "notes.csv").write_text(NOTES, encoding="utf-8")
    attendu = feuilles.lire_notes(tmp_path / "notes.csv", CRITERES)
    with collecter() as recus:
        lu = framaforms.lire_grille(FIXTURES / name, CRITERES)
    pd.testing.assert_frame_equal(lu.notes, attendu)
    assert lu.notes.loc["M0002", "vie_privee"] == 4.0 and pd.isna(lu.notes.loc["M0001", "transparence"])
    assert lu.brouillons == 1
    assert all(recus.contient(p) for p in ["Hibou", "Loutre", "Castor", "Blaireau"])
    _sans_secret(lu.notes.to_csv(), repr(lu))
    assert "Hibou" not in lu.notes.to_csv()


# ----------------------------------------------------------------------------- editing a fixture, as Webform writes

def _cellules(name):
    raw = (FIXTURES / name).read_bytes()
    sep = {"csv": ",", "tsv": "\t"}[name.rsplit(".", 1)[1]]
    return [r for r in csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=sep)], sep


def _ecrire(tmp_path, rows, sep, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(gen.delimite(rows, sep))
    return path


def _refus(path, **kw):
    with pytest.raises(ErreurDonnees) as err:
        if kw.pop("grille", False):
            framaforms.lire_grille(path, CRITERES, **kw)
        else:
            framaforms.lire_retours(path, **kw)
    _sans_secret(str(err.value))
    return str(err.value)


def test_two_crosses_on_a_single_choice_are_refused_naming_row_and_question(tmp_path):
    rows, sep = _cellules("retours_cles_separe.csv")
    canal = rows[1].index("canal")  # the component's name in row 2, above its first option
    rows[3][canal + 1] = "X"  # row 4 already has « téléphone »
    msg = _refus(_ecrire(tmp_path, rows, sep))
    lettre = openpyxl.utils.get_column_letter(canal + 1)
    assert f"ligne 4, colonne « {lettre} »" in msg and "Où la réponse a-t-elle été recueillie ?" in msg
    assert "choix unique" in msg


def test_two_answers_in_a_compact_column_are_refused(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    rows[4][rows[2].index("Âge")] = "moins de 30 ans,30 à 59 ans"
    msg = _refus(_ecrire(tmp_path, rows, sep))
    assert "ligne 5" in msg and "deux réponses ou plus à « Âge »" in msg


def test_an_unknown_option_is_refused_without_quoting_it(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    j = rows[2].index("Avez-vous obtenu une réponse à votre demande ?")
    rows[3][j] = "PEUT-ETRE Jeanne Martin"
    msg = _refus(_ecrire(tmp_path, rows, sep))
    lettre = openpyxl.utils.get_column_letter(j + 1)
    assert f"export.csv, ligne 4, colonne « {lettre} » : réponse non permise" in msg
    assert "réponses permises : oui, en partie, non" in msg and "Jeanne" not in msg


def test_a_missing_question_is_refused_with_its_expected_text(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    j = rows[2].index("Avez-vous pu parler à un agent quand vous l'avez demandé ?")
    rows = [r[:j] + r[j + 1:] for r in rows]
    msg = _refus(_ecrire(tmp_path, rows, sep))
    assert "ligne 3" in msg and "question absente : « Avez-vous pu parler à un agent quand vous l'avez demandé ? » " \
        "(clé agent_joint)" in msg


def test_an_unknown_column_is_refused_by_letter(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    rows[2][10] = "Votre nom"
    msg = _refus(_ecrire(tmp_path, rows, sep))
    assert "ligne 3, colonne « K » : colonne inconnue" in msg and "« Âge » (clé tranche_age)" in msg


def test_a_title_naming_two_questions_is_refused(tmp_path):
    questions = {"age": Question("age", "Âge", "Votre âge ?", ("jeune", "vieux")),
                 "tranche": Question("tranche", "Tranche", "AGE", ("a", "b"))}
    rows = [["Test", ""], ["Submission Details", ""], ["Serial", "age"], ["1", "jeune"]]
    msg = _refus(_ecrire(tmp_path, rows, ","), questions=questions)
    assert "ligne 3, colonne « B » : ce titre correspond à plusieurs questions (« Votre âge ? », « AGE »)" in msg


def test_titles_match_ignoring_case_accents_spaces_and_final_question_mark(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    for j, t in enumerate(rows[2]):
        if t.endswith("?"):
            rows[2][j] = "  " + t[:-1].upper().replace("É", "E").replace("À", "A") + "  "
    attendu = framaforms.lire_retours(FIXTURES / "retours_libelles_compact.tsv").reponses
    pd.testing.assert_frame_equal(framaforms.lire_retours(_ecrire(tmp_path, rows, sep)).reponses, attendu)


def test_a_grid_cell_that_is_no_level_is_refused_by_letter(tmp_path):
    rows, sep = _cellules("grille_libelles.tsv")
    rows[3][10] = "Très bien"
    msg = _refus(_ecrire(tmp_path, rows, sep, "grille.tsv"), grille=True)
    assert "ligne 4, colonne « K » : cette case n'est pas une note (membre n° 1)" in msg and "Très bien" not in msg
    assert "Hibou" not in msg


def test_a_grid_export_without_pseudonym_or_with_a_duplicate_is_refused(tmp_path):
    rows, sep = _cellules("grille_libelles.tsv")
    rows[4][9] = rows[3][9]  # Loutre becomes a second Hibou
    msg = _refus(_ecrire(tmp_path, rows, sep, "grille.tsv"), grille=True)
    assert "ligne 5, colonne « J » : pseudonyme en double (membre n° 2, déjà ligne 4)" in msg and "Hibou" not in msg
    rows = [r[:9] + r[10:] for r in _cellules("grille_libelles.tsv")[0]]
    assert "colonne « Pseudonyme » absente" in _refus(_ecrire(tmp_path, rows, sep, "grille.tsv"), grille=True)


def test_a_file_that_is_no_export_is_refused(tmp_path):
    msg = _refus(config.ROOT / "data" / "raw" / "retours_exemple.csv")
    assert "ligne 1" in msg and "n'a pas la forme d'un export Framaforms" in msg


def test_day_or_month_first_follows_from_the_values():
    def lues(textes):
        values, problems = framaforms._dates(textes, "f.csv", list(range(4, 4 + len(textes))), 2, "date")
        assert problems == []
        return [v.date() for v in values]

    assert lues(["05/03/2026 - 10:12", "14/03/2026 - 09:00"]) == [dt.date(2026, 3, 5), dt.date(2026, 3, 14)]
    assert lues(["03/05/2026 - 10:12", "03/14/2026 - 09:00"]) == [dt.date(2026, 3, 5), dt.date(2026, 3, 14)]
    assert lues(["2026-03-05T10:12:00", "2026-03-05", ""])[:2] == [dt.date(2026, 3, 5)] * 2
    _, problems = framaforms._dates(["13/03/2026", "03/14/2026"], "f.csv", [4, 5], 2, "date")
    assert "l'ordre jour / mois change" in str(problems[0])


# ----------------------------------------------------------------------------- the Framaforms sheets

def test_the_residents_sheet_lists_every_component_in_order_with_its_key_and_options(tmp_path):
    path = framaforms.ecrire_consignes("retours", tmp_path / "fiche.md")
    text = path.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(table) == 10
    assert table[3] == ("| 4 | Boutons radio | Avez-vous obtenu une réponse à votre demande ? | `reponse_obtenue` | "
                        "oui / en partie / non |")
    assert "`tranche_age` | moins de 30 ans / 30 à 59 ans / 60 ans et plus |" in table[8]
    assert "Aucun champ nom, prénom, adresse, téléphone ni courriel" in text
    assert "décochez « Adresse IP », « UID » et" in text and "Microsoft Excel" in text


def test_the_grid_sheet_asks_a_pseudonym_and_gives_the_grid_s_rows_and_options(tmp_path):
    text = framaforms.ecrire_consignes("grille", tmp_path / "fiche.txt").read_text(encoding="utf-8")
    assert "| 1 | Champ texte, obligatoire | Pseudonyme (jamais votre nom) | `pseudonyme` |" in text
    assert "jamais le nom" in text
    questions = text.split("Questions (les 8 critères) :\n\n```\n")[1].split("\n```")[0].splitlines()
    assert questions == [f"{c}|{t}" for c, t in zip(CRITERES["critere"], CRITERES["titre"], strict=True)]
    assert "0|Absent ou ignoré\n1|Insuffisant ou partiel" in text and "4|Exemplaire\nNSPP|Ne se prononce pas" in text


def test_a_form_built_from_the_sheet_exports_what_the_reader_reads():
    """The generator builds its forms as the sheet says: the same labels and keys, in the same order."""
    text = framaforms.consignes("retours")
    for comp in gen.composants_retours():
        assert f"| {comp['name']} | `{comp['form_key']}` |" in text


def test_the_reading_layer_can_hand_over_the_cells_it_read():
    path = FIXTURES / "retours_separe_barre.csv"
    cells = framaforms.lire_cellules(path)
    assert framaforms.forme_export([r for _, r in cells.lignes[:3]])
    pd.testing.assert_frame_equal(framaforms.lire_retours(cells).reponses, framaforms.lire_retours(path).reponses)
    assert "192.0.2.17" in cells.lignes[3][1]  # the caller's cells are its own: the reader blanks only its copy


def test_without_a_draft_column_an_empty_completed_time_is_a_draft(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    j = rows[2].index("Draft")
    rows = [r[:j] + r[j + 1:] for r in rows]
    lu = framaforms.lire_retours(_ecrire(tmp_path, rows, sep))
    assert lu.brouillons == 1 and len(lu.reponses) == 6 and 7 not in lu.reponses.index  # line 7: the draft


def test_the_sheet_is_never_written_under_data_raw_nor_over_a_file(tmp_path):
    from cln_analysis.erreurs import ErreurUsage

    with pytest.raises(ErreurUsage):
        framaforms.ecrire_consignes("retours", config.ROOT / "data" / "raw" / "fiche.md")
    (tmp_path / "fiche.md").write_text("à garder", encoding="utf-8")
    with pytest.raises(ErreurUsage):
        framaforms.ecrire_consignes("retours", tmp_path / "fiche.md")
    assert (tmp_path / "fiche.md").read_text(encoding="utf-8") == "à garder"
    assert "# Fiche Framaforms" in framaforms.ecrire_consignes("retours", tmp_path / "fiche.md", force=True).read_text(
        encoding="utf-8")


def test_an_option_the_questionnaire_does_not_know_is_refused_when_ticked(tmp_path):
    rows, sep = _cellules("retours_cles_separe.csv")
    canal = rows[1].index("canal")
    rows = [r[:canal + 5] + [v] + r[canal + 5:] for r, v in zip(rows, ["", "", "par courrier", "", "X"] + [""] * 10,
                                                                   strict=False)]
    msg = _refus(_ecrire(tmp_path, rows, sep))
    lettre = openpyxl.utils.get_column_letter(canal + 6)
    assert f"ligne 3, colonne « {lettre} » : option inconnue de « Où la réponse a-t-elle été recueillie ? »" in msg
    assert "réponses permises : téléphone, atelier, permanence, en ligne, autre" in msg
    assert msg.count("\n") == 0  # one problem: the next component is read as it should
    rows[4][canal + 5] = ""  # nobody ticked it: the unused option is no problem
    assert len(framaforms.lire_retours(_ecrire(tmp_path, rows, sep)).reponses) == 6


# ----------------------------------------------------------------------------- wired into the reports' readers

@pytest.mark.parametrize("name", RETOURS)
def test_the_questionnaire_reader_takes_an_export_as_it_comes(name, tmp_path):
    attendu = _questionnaire_equivalent(tmp_path)
    lu = questionnaire.lire(FIXTURES / name)
    pd.testing.assert_frame_equal(lu.reponses.reset_index(drop=True), attendu.reponses.reset_index(drop=True))
    assert (lu.commentaires, lu.brouillons, attendu.brouillons) == (2, 1, None)
    assert lu.lecture.startswith("export Framaforms")
    _sans_secret(repr(lu))


@pytest.mark.parametrize("name", RETOURS)
def test_an_export_and_the_equivalent_questionnaire_declare_the_same_figures(name, tmp_path):
    """The same `retours.*` rows of figures.csv, as the notebook declares them; only the export adds the drafts
    left out (one of the 7 submissions of every fixture is a draft: tools/generer_framaforms.py)."""
    attendu, lu = _questionnaire_equivalent(tmp_path), questionnaire.lire(FIXTURES / name)
    figures = [retours.chiffres(retours.synthese(q.reponses, q.commentaires, 5)) + questionnaire.chiffres(q)
               for q in (attendu, lu)]
    ids = [f["figure_id"] for f in figures[1]]
    assert ids[-1] == "retours.brouillons_exclus" and figures[1][-1]["value"] == 1
    assert figures[0] == figures[1][:-1] and "retours.brouillons_exclus" not in {f["figure_id"] for f in figures[0]}
    assert {"retours.repondants": 6, "retours.commentaires": 2}.items() <= {f["figure_id"]: f["value"]
                                                                           for f in figures[1]}.items()
    assert "retours.brouillons_exclus" in catalogue.par_id("retours").figures  # declared, not by a wildcard


@pytest.mark.parametrize("name", GRILLES)
def test_the_grid_reader_takes_an_export_as_it_comes_with_the_same_figures(name, tmp_path):
    (tmp_path / "notes.csv").write_text(NOTES, encoding="utf-8")
    attendu = feuilles.lire_notes(tmp_path / "notes.csv", CRITERES)
    with collecter() as recus:
        lu = feuilles.lire_notes(FIXTURES / name, CRITERES)
    pd.testing.assert_frame_equal(lu, attendu)
    assert recus.contient("Hibou") and "Hibou" not in lu.to_csv()
    titres = dict(zip(CRITERES["critere"], CRITERES["titre"], strict=True))
    assert grille.chiffres(grille.avis(lu, 1), titres) == grille.chiffres(grille.avis(attendu, 1), titres)


def test_a_file_that_is_neither_is_refused_as_a_questionnaire(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    path = _ecrire(tmp_path, rows[2:], sep, "q.csv")  # the two header rows above the titles cut off: no export
    with pytest.raises(ErreurDonnees) as err:
        questionnaire.lire(path)
    assert "colonne inconnue" in str(err.value) and "export" not in str(err.value)
    _sans_secret(str(err.value))


def test_an_unknown_title_holding_a_resident_s_text_is_named_by_letter_only(tmp_path):
    rows, sep = _cellules("retours_libelles_compact.tsv")
    j = rows[2].index("Quel était l'objet de l'appel ?")
    rows[2][j] = FAUX_PERSONNEL
    msg = _refus(_ecrire(tmp_path, rows, sep))
    assert f"ligne 3, colonne « {_lettre(j)} » : colonne inconnue" in msg
    for fragment in FRAGMENTS:
        assert fragment not in msg
    with pytest.raises(ErreurDonnees) as err:
        questionnaire.lire(_ecrire(tmp_path, rows, sep, "q.csv"))
    assert all(fragment not in str(err.value) for fragment in FRAGMENTS)


@pytest.mark.parametrize("formulaire", ["retours", "grille"])
@pytest.mark.parametrize("suffixe", [".md", ".txt"])
def test_the_template_command_writes_the_framaforms_sheet(formulaire, suffixe, tmp_path, capsys):
    sortie = tmp_path / f"fiche{suffixe}"
    assert cli.main(["template", formulaire, "--framaforms", "-o", str(sortie)]) == 0
    assert sortie.read_text(encoding="utf-8") == framaforms.consignes(formulaire)
    assert "Fiche Framaforms écrite" in capsys.readouterr().out
    assert cli.main(["template", formulaire, "--framaforms", "-o", str(sortie)]) == 2  # never over a file
    assert cli.main(["template", formulaire, "--framaforms", "-o", str(tmp_path / "fiche.xlsx")]) == 2


@pytest.mark.e2e
def test_exports_through_the_runner_leak_no_ip_address_username_or_pseudonym(depot_frais):
    """One run of both reports on exports (the runner's real path): the drafts counted in figures.csv, and no IP
    address, username, pseudonym or comment of the fixtures in any output or on the terminal."""
    for name in ("retours_separe_barre.csv", "grille_cles.xlsx"):
        shutil.copy(FIXTURES / name, depot_frais / name)
    res = lancer(depot_frais, "run", "retours", "grille", "-p", "donnees=retours_separe_barre.csv",
                 "-p", "notes=grille_cles.xlsx", "-p", "grille.seuil_publication=1")
    assert res.returncode == 0, res.stdout + res.stderr
    figures = {ligne.split(",")[0]: ligne for ligne in
               (depot_frais / "data/processed/figures.csv").read_text(encoding="utf-8").splitlines()}
    assert ",6,count," in figures["retours.repondants"] and ",1,count," in figures["retours.brouillons_exclus"]
    assert ",4,count," in figures["grille.repondants"]  # 5 submissions, one a draft
    secrets = SECRETS + ["Hibou", "Loutre", "Castor", "Blaireau", "COMMENTAIRE FICTIF"]
    sorties = [p for d in ("reports", "data/processed", "build") for p in (depot_frais / d).rglob("*") if p.is_file()]
    assert any(p.name == "etat.json" for p in sorties)
    for p in sorties:
        texte = _texte_sortie(p)
        for s in secrets:
            assert s not in texte, (p, s)
    for s in secrets:
        assert s not in res.stdout + res.stderr


def test_the_reading_layer_reads_webform_s_delimiters_and_its_three_header_rows(tmp_path):
    """`lecture.ouvrir` with the exports' format: the `|` delimiter chosen from the three header rows (the title
    row alone would not tell it), and a blank first row kept as a header row, not skipped."""
    from cln_analysis.lecture import ouvrir

    t = ouvrir(FIXTURES / "retours_separe_barre.csv", framaforms.FORMAT)
    raw = (FIXTURES / "retours_separe_barre.csv").read_text(encoding="utf-8")
    titres = next(csv.reader(io.StringIO(raw.split("\n")[2]), delimiter="|"))
    assert (t.separateur, t.ligne_entete, len(t.entetes), t.entete) == ("|", 3, 3, titres)
    assert t.lignes[0][0] == 4 and len(t.lignes) == 7  # the 7 submissions, a draft included
    rows, sep = _cellules("retours_libelles_compact.tsv")
    j = rows[2].index("Draft")
    k = j + 4  # Draft, IP Address, UID, Username: the first question after them
    sans_infos = [[""] * (len(rows[0]) - k), [""] * (len(rows[0]) - k)] + [r[k:] for r in rows[2:]]
    path = _ecrire(tmp_path, sans_infos, sep)  # no submission column exported: row 1 (and 2) left empty
    t = ouvrir(path, framaforms.FORMAT)
    assert t.ligne_entete == 3 and t.entetes[0] == [""] * len(t.entete) and t.lignes[0][0] == 4
    assert framaforms.est_export(path)
