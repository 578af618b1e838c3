"""The residents' questionnaire: blank sheets, the three ways it comes back, every refusal, and
comments that never reach any output."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from conftest import cli

from cln_analysis import config, questionnaire, retours
from cln_analysis.erreurs import ErreurDonnees

COLONNES = ["date", "canal", "motif", "reponse_obtenue", "agent_joint", "ia_comprise", "satisfaction", "rappellerait",
            "tranche_age", "commentaire"]
SECRET = "SECRET-COMMENTAIRE Mme Dupont 06 12 34 56 78"
LIGNES = [
    ["2026-03-02", "téléphone", "état civil", "oui", "pas demandé", "oui", "5", "oui", "moins de 30 ans", SECRET],
    ["2026-03-03", "atelier", "élections", "en partie", "oui", "non", "3", "ne sait pas", "30 à 59 ans", ""],
    ["", "permanence", "autre", "non", "non", "", "", "non", "60 ans et plus", "<script>alert(1)</script>"],
]


def _texte(page):
    """A page's text with French typography's non-breaking spaces read as spaces."""
    return page.read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def _csv(path, rows, delimiter=",", encoding="utf-8", newline="\n", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return path


def test_xlsx_template_has_drop_downs_and_instructions(tmp_path):
    path = questionnaire.ecrire(tmp_path / "vierge.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Réponses", "Consignes"]
    assert [c.value for c in wb["Réponses"][1]] == COLONNES
    lists = {v.formula1 for v in wb["Réponses"].data_validations.dataValidation if v.type == "list"}
    assert '"oui,en partie,non"' in lists and '"1,2,3,4,5"' in lists
    assert '"moins de 30 ans,30 à 59 ans,60 ans et plus"' in lists
    assert '"téléphone,atelier,permanence,en ligne,autre"' in lists
    consignes = [[c.value for c in row] for row in wb["Consignes"].iter_rows()]
    questions = {row[0]: row[1] for row in consignes if row and row[0] in COLONNES}
    assert questions["agent_joint"] == "Avez-vous pu parler à un agent quand vous l'avez demandé ?"
    assert questions["rappellerait"] == "Utiliseriez-vous de nouveau ce service ?"
    assert any("jamais publié" in (row[0] or "") for row in consignes)


def test_csv_template_is_the_header_alone_semicolon_utf8_bom(tmp_path):
    path = questionnaire.ecrire(tmp_path / "vierge.csv")
    assert path.read_bytes() == ("\ufeff" + ";".join(COLONNES) + "\r\n").encode("utf-8")


def test_template_command(depot, tmp_path):
    res = cli(depot, "template", "retours", "-o", str(tmp_path / "q.xlsx"))
    assert res.returncode == 0 and (tmp_path / "q.xlsx").exists()
    res = cli(depot, "template", "retours", "-o", str(tmp_path / "q.csv"))
    assert res.returncode == 0 and (tmp_path / "q.csv").read_bytes().startswith(b"\xef\xbb\xbfdate;canal;")
    assert cli(depot, "template", "retours", "-o", str(tmp_path / "q.ods")).returncode == 2


def test_xlsx_csv_and_excel_csv_read_the_same(tmp_path):
    sheet = questionnaire.ecrire(tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Réponses"]
    for r, row in enumerate(LIGNES, start=2):
        for c, v in enumerate(row, start=1):
            if c == 1 and v:
                v = dt.datetime.fromisoformat(v)  # an Excel date
            elif c == 7 and v:
                v = int(v)  # a number, as the drop-down enters it
            ws.cell(row=r, column=c, value=v or None)
    wb.save(sheet)
    plain = _csv(tmp_path / "q.csv", [COLONNES] + LIGNES)
    french_dates = [[("05/03/2026" if i == 0 and c else c) for i, c in enumerate(r)] for r in LIGNES]
    excel = _csv(tmp_path / "q_excel.csv", [COLONNES] + french_dates, delimiter=";", encoding="cp1252", newline="\r\n")
    a, b, c = (questionnaire.lire(p) for p in (sheet, plain, excel))
    assert a.reponses.reset_index(drop=True).equals(b.reponses.reset_index(drop=True))
    assert a.commentaires == b.commentaires == c.commentaires == 2
    assert list(b.reponses.index) == [2, 3, 4]
    assert c.reponses["date"].iloc[0] == dt.datetime(2026, 3, 5)  # JJ/MM/AAAA as French Excel saves a date
    assert c.reponses.drop(columns="date").equals(b.reponses.drop(columns="date"))
    assert "Windows-1252" in c.lecture and "point-virgule" in c.lecture


def test_answers_ignore_case_and_surrounding_spaces_empty_is_no_answer(tmp_path):
    p = _csv(tmp_path / "q.csv", [COLONNES, ["", " TÉLÉPHONE ", "État civil", "En Partie", "PAS  DEMANDÉ", "", " 4 ",
                                             "Ne sait pas", "60 ANS ET PLUS", ""]])
    r = questionnaire.lire(p).reponses.iloc[0]
    assert (r["canal"], r["motif"], r["reponse_obtenue"], r["agent_joint"], r["satisfaction"], r["rappellerait"],
            r["tranche_age"]) == ("téléphone", "état civil", "en partie", "pas demandé", "4", "ne sait pas",
                                  "60 ans et plus")
    assert r.isna()[["date", "ia_comprise"]].all()


@pytest.mark.parametrize("colonne,valeur,permis", [
    ("reponse_obtenue", "peut-être", "oui, en partie, non"),
    ("satisfaction", "6", "un nombre entier de 1 (pas du tout) à 5 (tout à fait)"),
    ("satisfaction", "4,5", "un nombre entier de 1 (pas du tout) à 5 (tout à fait)"),
    ("agent_joint", "oui oui", "oui, non, pas demandé"),
    ("tranche_age", "45 ans", "moins de 30 ans, 30 à 59 ans, 60 ans et plus"),
    ("canal", "courrier", "téléphone, atelier, permanence, en ligne, autre"),
    ("date", "mars 2026", "AAAA-MM-JJ"),
    ("date", "2026-02-30", "AAAA-MM-JJ"),
])
def test_every_refusal_names_file_row_column_and_the_allowed_answers(tmp_path, colonne, valeur, permis):
    rows = [COLONNES] + [list(r) for r in LIGNES]
    rows[2][COLONNES.index(colonne)] = valeur
    p = _csv(tmp_path / "retours_habitants.csv", rows)
    with pytest.raises(ErreurDonnees) as exc:
        questionnaire.lire(p)
    [prob] = exc.value.problemes
    text = str(prob)
    assert "retours_habitants.csv" in text and f"ligne 3, colonne « {colonne} »" in text
    assert "réponse non permise" in text and permis in text
    assert f"« {valeur} »" not in text  # a cell's text is never quoted (it could be a shifted comment)
    assert SECRET not in str(exc.value)


def test_header_problems(tmp_path):
    p = _csv(tmp_path / "q.csv", [COLONNES[:6] + ["note"] + COLONNES[7:], LIGNES[0]])
    with pytest.raises(ErreurDonnees) as exc:
        questionnaire.lire(p)
    text = str(exc.value)
    assert "ligne 1, colonne « G » : colonne inconnue (7e titre de la ligne d'en-tête)" in text
    assert "note" not in text.split("colonnes attendues")[0]  # by letter and place, never by its text (issue 23)
    assert "colonne « satisfaction » : colonne obligatoire absente" in text
    p = _csv(tmp_path / "q.csv", [COLONNES[:-1], LIGNES[1][:-1]])  # no comment column: accepted
    assert questionnaire.lire(p).commentaires == 0
    p = _csv(tmp_path / "q.csv", [COLONNES[:-1], LIGNES[0]])  # a comment under no title: refused, never quoted
    with pytest.raises(ErreurDonnees) as exc:
        questionnaire.lire(p)
    assert "une colonne remplie n'a pas de titre" in str(exc.value) and SECRET not in str(exc.value)
    p = _csv(tmp_path / "q.csv", [COLONNES])
    with pytest.raises(ErreurDonnees, match="aucune réponse sous la ligne d'en-tête"):
        questionnaire.lire(p)


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    p = _csv(tmp_path / "q.csv", [COLONNES, LIGNES[0], [""] * 10, LIGNES[1]])
    q = questionnaire.lire(p)
    assert list(q.reponses.index) == [2, 4] and len(q.reponses) == 2


def test_the_example_is_fictitious_and_valid():
    from cln_analysis import donnees

    res = donnees.ressource("retours_exemple")
    assert res["fictif"] is True and "FICTIF" in res["title"] and "INVENTÉES" in res["description"]
    q = questionnaire.lire(config.raw_file(res["path"]))
    assert 30 <= len(q.reponses) <= 40
    assert retours.synthese(q.reponses, q.commentaires).age is not None  # the example shows the breakdown


@pytest.mark.e2e
@pytest.mark.rapports("retours")
def test_a_refused_file_keeps_the_previous_report(depot):
    assert cli(depot, "run", "retours").returncode == 0
    page = (depot / "reports/retours.html").read_bytes()
    bad = _csv(depot / "retours.csv", [COLONNES] + [list(r) for r in LIGNES])
    bad.write_text(bad.read_text(encoding="utf-8").replace(",3,ne sait pas,", ",6,ne sait pas,"), encoding="utf-8")
    res = cli(depot, "run", "retours", "-p", "donnees=retours.csv")
    assert res.returncode == 1
    assert "retours.csv, ligne 3, colonne « satisfaction » : réponse non permise" in res.stderr
    assert "1 (pas du tout) à 5 (tout à fait)" in res.stderr and "Traceback" not in res.stderr
    assert (depot / "reports/retours.html").read_bytes() == page


@pytest.mark.e2e
def test_no_comment_text_anywhere_after_a_run(depot_copie):
    depot = depot_copie  # produced: the run redoes retours and the bilan that reads it
    sheet = questionnaire.ecrire(depot / "retours.xlsx")
    wb = openpyxl.load_workbook(sheet)
    base = LIGNES[:2] * 4  # 8 residents, so that everything but the age breakdown is published
    for r, row in enumerate(base, start=2):
        for c, v in enumerate(row, start=1):
            ws = wb["Réponses"]
            ws.cell(row=r, column=c, value=(f"{SECRET} n° {r}" if c == 10 else v) or None)
    wb.save(sheet)
    res = cli(depot, "run", "retours", "-p", "donnees=retours.xlsx")
    assert res.returncode == 0, res.stderr
    terminal = res.stdout + res.stderr
    state = config.STATE_FILE.relative_to(config.ROOT)  # the runner's state file (hashes, messages)
    outputs = [p for d in ("reports", "data/processed", state.parts[0]) for p in (depot / d).rglob("*") if p.is_file()]
    assert (depot / state) in outputs and (depot / "reports/notebooks/retours.ipynb") in outputs
    assert (depot / "data/processed/figures.csv") in outputs
    for p in outputs:
        text = p.read_text(encoding="utf-8", errors="replace")
        assert "SECRET-COMMENTAIRE" not in text and "Dupont" not in text and "06 12 34" not in text, p
    assert "SECRET" not in terminal and "Dupont" not in terminal
    html = _texte(depot / "reports/retours.html")
    assert "Commentaires libres reçus : 8" in html and "Données fictives" not in html


@pytest.mark.e2e
def test_default_run_shows_the_fictitious_example_with_its_banner(depot_produit):
    html = _texte(depot_produit / "reports/retours.html")
    assert "Données fictives" in html and "avant que le CLN ait recueilli les retours des habitants" in html
    assert "intervalle de confiance à 95" in html and "la part réelle est probablement entre" in html
    assert "Commentaires libres reçus : 9" in html and "COMMENTAIRE FICTIF" not in html
    figs = (depot_produit / "data/processed/figures.csv").read_text(encoding="utf-8")
    ids = {line.split(",")[0] for line in figs.splitlines() if line.startswith("retours.")}
    assert ids == {"retours.repondants", "retours.commentaires", "retours.reponse_obtenue.oui",
                   "retours.reponse_obtenue.en_partie", "retours.reponse_obtenue.non",
                   "retours.reponse_obtenue.oui.ic_bas", "retours.reponse_obtenue.oui.ic_haut",
                   "retours.agent_joint.oui", "retours.ia_comprise.oui", "retours.satisfaction.part_satisfaits",
                   "retours.satisfaction.part_satisfaits.ic_bas", "retours.satisfaction.part_satisfaits.ic_haut",
                   "retours.satisfaction.mediane", "retours.rappellerait.oui", "retours.reponse_obtenue.oui.moins_30",
                   "retours.reponse_obtenue.oui.30_59", "retours.reponse_obtenue.oui.60_plus"}
    index = (depot_produit / "reports/index.html").read_text(encoding="utf-8")
    assert "Les retours des habitants sur le callbot" in index


@pytest.mark.parametrize("contenu", [b"sep=;\n", b"\xef\xbb\xbf"])
def test_nothing_after_the_bom_or_sep_line_is_refused_as_empty(tmp_path, contenu):
    p = tmp_path / "vide.csv"
    p.write_bytes(contenu)
    with pytest.raises(ErreurDonnees, match="le fichier est vide"):
        questionnaire.lire(p)


#: issue 23: a resident's words, as a missing or shifted header row brings them into the titles
JEANNE = "Je suis Jeanne Martin 06 12 34 56 78, 12 rue de Lille"
FRAGMENTS = ("Jeanne", "Martin", "06 12 34", "rue de Lille", "Lille")
REPONSE_JEANNE = ["2026-03-04", "téléphone", "autre", "non", "non", "oui", "2", "non", "30 à 59 ans", JEANNE]


def _sans_jeanne(texte):
    for fragment in FRAGMENTS:
        assert fragment not in texte, fragment


@pytest.mark.parametrize("cas", ["sans_entete", "entete_decale", "entete_sous_une_reponse"])
def test_a_missing_or_shifted_header_names_columns_by_letter_and_place_only(cas, tmp_path):
    if cas == "sans_entete":  # the first resident's answers where the titles should be
        rows = [REPONSE_JEANNE, LIGNES[1]]
    elif cas == "entete_decale":  # the titles one column to the right: column A filled under no title
        rows = [[""] + COLONNES, REPONSE_JEANNE, LIGNES[1]]
    else:  # a resident's row typed above the titles
        rows = [REPONSE_JEANNE, COLONNES, LIGNES[1]]
    for path in (_csv(tmp_path / "q.csv", rows, delimiter=";"), _xlsx(tmp_path / "q.xlsx", rows)):
        with pytest.raises(ErreurDonnees) as exc:
            questionnaire.lire(path)
        text = str(exc.value) + "\n".join(str(p) for p in exc.value.problemes)
        _sans_jeanne(text)
        if cas != "entete_decale":
            assert "ligne 1, colonne « J » : colonne inconnue (10e titre de la ligne d'en-tête)" in text
        else:
            assert "ligne 1 : une colonne remplie n'a pas de titre" in text


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Réponses"
    for row in rows:
        ws.append([v or None for v in row])
    wb.save(path)
    return path


@pytest.mark.e2e
def test_a_headerless_questionnaire_leaks_nothing_through_the_runner(depot_copie):
    """Issue 23, case 1: the run fails, and the resident's words reach neither the terminal nor build/ nor
    reports/ (the audit page and the bilan that says its source failed included) nor data/processed/."""
    depot = depot_copie
    _csv(depot / "sans_entete.csv", [REPONSE_JEANNE] + [list(r) for r in LIGNES], delimiter=";")
    res = cli(depot, "run", "retours", "-p", "donnees=sans_entete.csv")
    assert res.returncode == 1
    assert "colonne « J » : colonne inconnue (10e titre de la ligne d'en-tête)" in res.stdout + res.stderr
    _sans_jeanne(res.stdout + res.stderr)
    state = config.STATE_FILE.relative_to(config.ROOT)
    sorties = [p for d in ("reports", "data/processed", state.parts[0]) for p in (depot / d).rglob("*")
               if p.is_file()]
    assert (depot / state) in sorties
    for p in sorties:
        _sans_jeanne(p.read_text(encoding="utf-8", errors="replace"))
