"""One precision per figure (issue 14, point 3): a figure reads the same wherever it is shown — its card, the
prose, the index — with the precision of the register's rule (`registre.decimales_affichage`)."""

import csv
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from cln_analysis import catalogue, registre


def _norme(texte: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", texte).strip()


class _Marques(HTMLParser):
    """{figure id: [text of each element marked data-chiffre]} of one page."""

    def __init__(self):
        super().__init__()
        self.vus: dict[str, list[str]] = defaultdict(list)
        self._pile: list[str | None] = []
        self._texte: list[str] = []

    def handle_starttag(self, tag, attrs):
        fid = dict(attrs).get("data-chiffre")
        if fid:
            self._texte = []
        self._pile.append(fid)

    def handle_endtag(self, tag):
        fid = self._pile.pop() if self._pile else None
        if fid:
            self.vus[fid].append(_norme("".join(self._texte)))

    def handle_data(self, data):
        self._texte.append(data)


def marques(html: str) -> dict[str, list[str]]:
    p = _Marques()
    p.feed(html)
    return dict(p.vus)


def test_marks_are_read_back():
    page = ('<li><span class="valeur"><span data-chiffre="grille.score_global">2,04</span> / 4</span></li>'
            '<p>Note <strong><span data-chiffre="grille.score_global">2,04</span></strong>, '
            '<span data-chiffre="b.x">7,3\u00a0%</span></p>')
    assert marques(page) == {"grille.score_global": ["2,04", "2,04"], "b.x": ["7,3 %"]}


def test_a_duration_is_read_back_to_the_second():
    assert _attendu("80", "1\u00a0min\u00a020\u00a0s", ROUND_HALF_UP, "secondes") == (Decimal(80), Decimal(80))
    assert _attendu("4.7", "4\u00a0min\u00a042\u00a0s", ROUND_HALF_UP, "minutes") == (Decimal(282), Decimal(282))
    assert _attendu("79.4", "1\u00a0min\u00a020\u00a0s", ROUND_HALF_UP, "secondes") == (Decimal(80), Decimal(79))
    assert _attendu("1e-07", "moins d'une seconde", ROUND_HALF_UP, "secondes") == (None, None)


def test_published_text_sets_the_precision_declared_decimals_come_next():
    assert _norme(registre.affichage(229_510_000, "EUR", "229,51 M€")) == "229,51 M €"  # as the slide prints it
    assert _norme(registre.affichage(0.07316, "ratio", "7,3 %", declarees=0)) == "7,3 %"
    assert _norme(registre.affichage(0.543, "ratio", "", declarees=0)) == "54 %"
    assert _norme(registre.affichage(0.543, "ratio", "")) == "54,3 %"  # the unit's default
    assert registre.affichage(2.0417, "score", "") == "2,04"


@pytest.fixture(scope="module")
def pages(depot_produit):
    with (depot_produit / "data/processed/figures.csv").open(encoding="utf-8") as fh:
        figures = {r["figure_id"]: r for r in csv.DictReader(fh)}
    index = marques((depot_produit / "reports/index.html").read_text(encoding="utf-8"))
    rapports = {r.id: marques((depot_produit / "reports" / f"{r.id}.html").read_text(encoding="utf-8"))
                for r in catalogue.RAPPORTS}
    return figures, index, rapports


@pytest.mark.parametrize("rapport", catalogue.RAPPORTS, ids=lambda r: r.id)
def test_a_figure_reads_the_same_in_its_card_its_prose_and_the_index(pages, rapport):
    figures, index, rapports = pages
    vus = rapports[rapport.id]
    assert vus, f"{rapport.id} : aucun chiffre marqué dans la page"
    for fid, textes in vus.items():
        assert fid in figures, f"{rapport.id} : {fid} est affiché mais n'est pas dans figures.csv"
        assert len(set(textes)) == 1, f"{rapport.id} : {fid} est affiché de plusieurs façons : {textes}"
        row = figures[fid]
        if row["status"] == "match":  # a figure a source prints reads as the source prints it: its very text
            # (spaces aside: the slide's « 229,51 M€ » is « 229,51 M € » in French typography)
            assert re.sub(r"\s", "", textes[0]) == re.sub(r"\s", "", row["published"]), fid
    cles = rapport.chiffres_cles_de(f for f, row in figures.items() if row["report"] == rapport.id)
    assert cles or rapport.id == "retours", f"{rapport.id} : aucun chiffre clé dans figures.csv"
    for fid in cles:  # a key figure absent from this run (a share hidden below the threshold) has no card
        assert fid in vus, f"{rapport.id} : le chiffre clé {fid} n'est ni dans une carte ni dans le texte"
        assert index.get(fid) == vus[fid][:1], f"{fid} : index {index.get(fid)} ≠ page {vus[fid][0]}"


# ----------------------------------------------------------------------------- one rounding rule, walked

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal  # noqa: E402

_TEXTE = re.compile(r"([+\-\u2212]?)(\d+(?:,(\d+))?)(M€|%|€)?")


_DUREE = re.compile(r"(?:(\d+)min)?(?:(\d+)s)?")
#: A duration's unit in seconds (a figure in seconds or minutes reads « 1 min 20 s », to the second).
_SECONDES = {"secondes": 1, "minutes": 60}


def _attendu(valeur: str, texte: str, mode: str, unite: str = "") -> tuple[Decimal, Decimal]:
    """(number the text shows, the value rounded by `mode` at the text's decimals), computed here with the decimal
    module alone: the value's shortest decimal form, scaled exactly, quantised. A duration is compared in seconds."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", texte)
    if unite in _SECONDES:
        d = _DUREE.fullmatch(compact)
        if not d or not any(d.groups()):  # « moins d'une seconde », « sans limite »
            return None, None
        montre = Decimal(int(d.group(1) or 0) * 60 + int(d.group(2) or 0))
        return montre, (Decimal(repr(float(valeur))) * _SECONDES[unite]).quantize(Decimal(1), rounding=mode)
    m = _TEXTE.match(compact)
    if not m:  # a figure said in words (« moins d'une seconde »)
        return None, None
    signe, nombre, decimales, unite = m.groups()
    montre = Decimal(nombre.replace(",", ".")) * (-1 if signe else 1)
    echelle = {"%": Decimal(100), "M€": Decimal("1e-6")}.get(unite or "", Decimal(1))
    v = Decimal(repr(float(valeur))) * echelle
    return montre, v.quantize(Decimal(1).scaleb(-len(decimales or "")), rounding=mode)


def _mode(figure_id: str) -> str:
    return {"ic_bas": ROUND_FLOOR, "ic_haut": ROUND_CEILING}.get(figure_id.rsplit(".", 1)[-1], ROUND_HALF_UP)


def test_every_published_figure_of_every_page_and_the_index_follows_the_rule(pages, depot_produit):
    figures, index, rapports = pages
    audits = {r.id: marques((depot_produit / "reports/audit" / f"{r.id}.html").read_text(encoding="utf-8"))
              for r in catalogue.RAPPORTS}
    vus = 0
    for ou, marquees in [("index", index)] + [(f"page {i}", m) for i, m in rapports.items()] + [
            (f"audit {i}", m) for i, m in audits.items()]:
        for fid, textes in marquees.items():
            for texte in textes:
                montre, attendu = _attendu(figures[fid]["value"], texte, _mode(fid), figures[fid]["unit"])
                if montre is None:
                    continue
                assert montre == attendu, f"{ou} : {fid} = {figures[fid]['value']} affiché « {texte} »"
                vus += 1
    assert vus >= 3 * len(index)  # index, page and audit page at least


def test_every_number_cell_of_every_workbook_is_the_pages_rounding(depot_produit):
    import openpyxl

    vus = 0
    for r in catalogue.RAPPORTS:
        wb = openpyxl.load_workbook(depot_produit / "reports/donnees" / f"{r.id}.xlsx")
        dossier = depot_produit / "data/processed" / r.id
        for table in sorted(dossier.glob("*.csv")):
            ws = wb[table.stem[:31]]
            with table.open(encoding="utf-8") as fh:
                lignes = list(csv.reader(fh))
            entete = lignes[0]
            for i, row in enumerate(ws.iter_rows(min_row=2)):
                for j, cell in enumerate(row):
                    fmt = cell.number_format
                    if fmt == "General" or not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
                        continue
                    decimales = len(fmt.split(".")[1].rstrip('%" €')) if "." in fmt else 0
                    echelle = Decimal(100) if fmt.endswith("%") else Decimal(1)
                    mode = _mode(entete[j])
                    brut = Decimal(repr(float(lignes[i + 1][j]))) * echelle
                    attendu = brut.quantize(Decimal(1).scaleb(-decimales), rounding=mode)
                    attendu = min(max(attendu, Decimal(0)), Decimal(100)) if mode != ROUND_HALF_UP else attendu
                    assert Decimal(repr(float(cell.value))) * echelle == attendu, (
                        f"{r.id}/{table.name} ligne {i + 2}, {entete[j]} : {cell.value} ≠ {attendu}")
                    vus += 1
    assert vus > 50
