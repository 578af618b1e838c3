"""Exports: the workbook's number formats (a year is never « 2 023 »), the CSV files for French Excel (the page's
column titles, « oui »/« non », the page's precision), and the downloads each report page links to, with their size.
"""

import csv
import html
import io
import math
import re

import openpyxl
import pytest

from cln_analysis import catalogue, exports, publication
from cln_analysis.rendu import Colonne
from cln_analysis.sorties import Feuille

NBSP, FINE = "\u00a0", "\u202f"


@pytest.mark.parametrize(("texte", "attendu"), [
    ("2023", "0"), ("12", "#,##0"), (f"134{FINE}702", "#,##0"), (f"7,3{NBSP}%", "0.0%"), (f"81{NBSP}%", "0%"),
    (f"3{FINE}058{FINE}244{NBSP}€", '#,##0 "€"'), ("12,50", "#,##0.00"), ("20230", "0"), ("oui", None),
])
def test_the_excel_format_follows_the_page_text(texte, attendu):
    assert exports._format_excel(texte) == attendu


def test_a_year_column_has_no_thousands_separator_and_yes_no_reads_as_words():
    import pandas as pd

    df = pd.DataFrame({"annee": [2023, 2024], "appels": [134702, 980], "partielle": [False, True],
                       "taux": [0.7631, 0.0725]})
    from cln_analysis import formats as f

    cols = {"annee": Colonne("Année", str), "appels": Colonne("Appels reçus", f.entier),
            "partielle": Colonne("Année partielle"), "taux": Colonne("Taux", lambda v: f.pourcentage(v, 1))}
    feuille = exports.feuille_excel(df, "Légende", {c: k.libelle for c, k in cols.items()},
                                    {c: k.format for c, k in cols.items() if k.format})
    assert feuille.colonnes == ["Année", "Appels reçus", "Année partielle", "Taux"]
    # the largest count decides the grouping (980 alone could not tell)
    assert feuille.formats == ["0", "#,##0", None, "0.0%"]
    assert [ligne[2] for ligne in feuille.lignes] == ["non", "oui"]
    assert feuille.lignes[0][0] == 2023 and isinstance(feuille.lignes[0][0], int)


def test_the_csv_for_excel_has_the_page_titles_words_and_precision():
    feuille = Feuille("Légende", ["Année", "Part", "Montant", "Agent joint", "Note"],
                      ["0", "0.0%", '#,##0 "€"', None, "#,##0.00"],
                      [[2023, 0.0725, 3058244.4, "oui", 2.125], [2024, 0.0735, None, "non", 1.005]])
    texte = exports.csv_feuille(feuille).decode("utf-8")
    assert texte.startswith("\ufeff") and "\r\n" in texte
    lignes = list(csv.reader(io.StringIO(texte.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0] == ["Année", "Part", "Montant", "Agent joint", "Note"]
    # by hand: 7,25 % → 7,3 % and 2,125 → 2,13 (half away from zero, not to even); 1,005 → 1,01 on its decimal form
    assert lignes[1] == ["2023", "7,3%", "3058244", "oui", "2,13"]
    assert lignes[2] == ["2024", "7,4%", "", "non", "1,01"]


@pytest.mark.parametrize(("octets", "attendu"), [(1, "1"), (999, "1"), (1000, "1"), (1001, "2"), (12_400, "13")])
def test_a_size_is_rounded_up_in_ko(octets, attendu):
    assert publication.taille_fichier(octets) == f"{attendu}{NBSP}Ko"
    assert publication.taille_fichier(2_340_000) == f"2,4{NBSP}Mo"


# ----------------------------------------------------------------------------- the published files

def _tableaux_de_la_page(page: str) -> dict[str, list[str]]:
    """caption → column titles, of every table of a page, read from its HTML."""
    out = {}
    for m in re.finditer(r"<caption>(.*?)</caption>\s*<thead[^>]*>(.*?)</thead>", page, flags=re.S):
        titres = [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<th[^>]*>(.*?)</th>", m.group(2))]
        out[_mots(html.unescape(m.group(1)))] = [_mots(t) for t in titres]
    return out


def _mots(texte: str) -> str:
    return " ".join(texte.replace(NBSP, " ").replace(FINE, " ").split())


def _liens_telechargement(page: str) -> list[tuple[str, str]]:
    bloc = re.search(r'<nav[^>]*class="telechargements".*?</nav>', page, flags=re.S)
    assert bloc, "la page ne propose pas ses tableaux en téléchargement"
    return [(html.unescape(h), _mots(html.unescape(re.sub(r"<[^>]+>", "", t))))
            for h, t in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', bloc.group(0), flags=re.S)]


@pytest.mark.parametrize("rid", catalogue.ids())
def test_each_report_page_links_its_workbook_and_csv_files_with_their_size(depot_produit, rid):
    reports = depot_produit / "reports"
    for page_path in (reports / f"{rid}.html", reports / "audit" / f"{rid}.html"):
        page = page_path.read_text(encoding="utf-8")
        liens = _liens_telechargement(page)
        cibles = {(page_path.parent / h).resolve().name for h, _ in liens}
        attendues = {f.name for f in (reports / "donnees").glob(f"{rid}-*.csv")} | {f"{rid}.xlsx"}
        assert cibles == attendues, page_path
        assert page.index('class="telechargements"') < page.index('id="tracabilite"')  # near the tables
        for href, texte in liens:
            fichier = (page_path.parent / href).resolve()
            ko = math.ceil(fichier.stat().st_size / 1000)  # rounded up, computed here from the file itself
            assert texte.endswith(f"({ko} Ko)"), (texte, fichier.stat().st_size)
            assert ("classeur Excel" in texte) == (fichier.suffix == ".xlsx")


def test_the_index_gives_each_download_its_size(depot_produit):
    reports = depot_produit / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    liens = re.findall(r'<a href="(donnees/[^"]+)" download>(.*?)</a>\s*(\([^)]*\))?', index, flags=re.S)
    assert len(liens) > len(catalogue.ids())
    for href, texte, apres in liens:
        ko = math.ceil((reports / href).stat().st_size / 1000)  # rounded up, computed here from the file itself
        assert _mots(html.unescape(texte + (apres or ""))).endswith(f"{ko} Ko)"), (href, texte, apres)


@pytest.mark.parametrize("rid", catalogue.ids())
def test_the_csv_files_have_the_page_column_titles_and_words(depot_produit, rid):
    reports = depot_produit / "reports"
    page = (reports / f"{rid}.html").read_text(encoding="utf-8")
    tableaux = _tableaux_de_la_page(page)
    for href, texte in _liens_telechargement(page):
        if not href.endswith(".csv"):
            continue
        legende = _mots(texte.rsplit(" : CSV", 1)[0])
        contenu = (reports / href).read_bytes().decode("utf-8")
        assert contenu.startswith("\ufeff")
        lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
        if legende in tableaux:  # shown on the page: the same titles
            assert [_mots(t) for t in lignes[0]] == tableaux[legende], href
        else:  # downloaded only (the page shows a view of it): French titles all the same
            assert not [t for t in lignes[0] if re.fullmatch(r"[a-z0-9_]+", t)], (href, lignes[0])
        cellules = {c for ligne in lignes[1:] for c in ligne}
        assert not cellules & {"True", "False", "VRAI", "FAUX"}, href
        # no share with more digits than a page shows (two decimals at most), no decimal point
        assert not any(re.fullmatch(r"-?\d+[.,]\d{3,}%?", c) and c.endswith("%") for c in cellules), href


#: Column titles whose values are labels, not quantities: never shown with a thousands separator.
SANS_SEPARATEUR = re.compile(r"^(Année|Mois|Identifiant|Id|Code)$", re.I)
FORMAT_FRANCAIS = re.compile(r'^(General|0|#,##0)(\.0+)?( "€")?$|^0(\.0+)?%$')


@pytest.mark.parametrize("rid", catalogue.ids())
def test_every_cell_of_the_workbook_has_a_fitting_format(depot_produit, rid):
    wb = openpyxl.load_workbook(depot_produit / "reports" / "donnees" / f"{rid}.xlsx")
    for ws in wb.worksheets:
        rangs = list(ws.iter_rows())
        entetes = [c.value for c in rangs[0]]
        assert not [t for t in entetes if re.fullmatch(r"[a-z0-9_]+", str(t))], (ws.title, entetes)
        for rang in rangs[1:]:
            for titre, cell in zip(entetes, rang, strict=True):
                v = cell.value
                assert not isinstance(v, bool), (ws.title, titre)  # « oui » / « non »
                if isinstance(v, (int, float)):
                    assert FORMAT_FRANCAIS.match(cell.number_format), (ws.title, titre, cell.number_format)
                    if SANS_SEPARATEUR.match(str(titre)) and "%" not in cell.number_format:
                        assert "," not in cell.number_format, (ws.title, titre, cell.number_format)
                    if cell.number_format.endswith("%"):
                        assert 0 <= abs(v) <= 10, (ws.title, titre, v)  # a share stored as a ratio, not ×100
