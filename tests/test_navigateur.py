"""Every page in a real browser (Debian's Chromium driven by Playwright), as residents will read it:
no request leaves the machine, no serious axe violation, French alternatives, captioned tables,
headings in order, no sideways scroll on a 375 px phone; and the tool that takes screenshots for a person to
look at (`make captures`).

The tests run page by page, and each page is loaded once per width for all its checks (`vue`); the one check
that changes a page's state (print media) puts it back, and `vue` verifies it before each test."""

import contextlib
import importlib.util
import os
import re
import shutil

import pytest
from conftest import REPO

from cln_analysis import catalogue

# one worker drives the one browser (launched once per session, not once per worker)
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("navigateur")]

def _outil_captures():
    spec = importlib.util.spec_from_file_location("captures", REPO / "tools" / "captures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: `make captures` (tools/captures.py): Chromium launched, tabs opened and pages listed as the tests do it.
CAPTURES = _outil_captures()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = CAPTURES.ARGUMENTS_CHROMIUM
PAGES = CAPTURES.pages()


@pytest.fixture(scope="session")
def navigateur():
    if not CHROMIUM:
        message = ("Chromium est introuvable : installez-le avec « apt-get install chromium » "
                   "(le navigateur téléchargé par Playwright n'est pas accessible ici).")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _onglet(navigateur, width: int):
    """A tab `width` px wide, the network cut: any request that would leave the machine is refused and
    recorded in `outside`."""
    outside = []
    ctx, page = CAPTURES.onglet(navigateur, width, outside)
    return ctx, page, outside


def par_page(names):
    """Parametrize a test by page `name`, module-scoped so that pytest runs the module page by page and `vue`
    loads each page once per width."""
    return pytest.mark.parametrize("name", names, scope="module")


@pytest.fixture(scope="module")
def vue(navigateur, depot_produit):
    """`vue(name, width)`: the page `name` loaded `width` px wide, and the requests it has tried to send
    outside. One tab per width goes from page to page, loading a page only when a test asks for another one
    than it shows (a new context and tab cost more than most checks)."""
    onglets, montre = {}, {}

    def vue(name: str, width: int):
        if width not in onglets:
            onglets[width] = _onglet(navigateur, width)
        _, page, outside = onglets[width]
        if montre.get(width) != name:
            montre[width] = None
            outside.clear()  # what this page asks for, not the previous one
            page.goto((depot_produit / "reports" / name).as_uri(), wait_until="load")
            montre[width] = name
        # as it was loaded: a check that changed the media, the viewport or the scroll has put them back
        etat = page.evaluate("[innerWidth, matchMedia('screen').matches, scrollX, scrollY]")
        assert etat == [width, True, 0, 0], f"{name} à {width} px : un test précédent l'a laissée autrement : {etat}"
        return page, outside

    yield vue
    for ctx, _, _ in onglets.values():
        ctx.close()


@par_page(PAGES)
def test_page_is_self_contained_and_accessible(vue, name):
    from axe_playwright_python.sync_playwright import Axe

    page, outside = vue(name, 1280)
    assert outside == [], f"{name} : requêtes vers l'extérieur {outside}"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert len(page.title()) > 20
    levels = page.eval_on_selector_all("main h1, main h2, main h3, main h4", "els => els.map(e => +e.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), f"{name} : titres {levels}"
    assert page.eval_on_selector_all("img", "els => els.length") == 0
    alts = page.eval_on_selector_all(
        ".graphique-image[role=img]", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    for alt in alts:
        assert alt and len(alt) > 30 and re.match(r"(Diagramme|Radar|Courbe) ", alt), alt
        assert not re.search(r"\b(image|png|figure|chart|No description)\b", alt, re.I), alt
    tables = page.eval_on_selector_all(
        "table",
        "els => els.map(t => [t.caption ? t.caption.textContent.trim() : '', "
        "t.querySelectorAll('th[scope]').length])",
    )
    for caption, n_th in tables:
        assert caption and n_th > 0
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name} : {serious}"
    visible = page.inner_text("body")
    for text in ("Notebook", "In [", "Out[", "Traceback"):
        assert text not in visible or name.startswith("audit/"), text


@par_page(PAGES)
def test_no_sideways_scroll_on_a_phone(vue, name):
    page, outside = vue(name, 375)
    assert outside == [], f"{name} : requêtes vers l'extérieur sur un téléphone {outside}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
    widths = page.eval_on_selector_all(
        "figure.graphique svg", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert all(w <= 375 for w in widths)
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    # no table needs sideways scrolling: a wide one is shown as one block per row
    boxes = page.eval_on_selector_all(
        ".table-wrap", "els => els.map(e => [e.querySelector('caption').textContent, e.clientWidth, e.scrollWidth])"
    )
    trop_larges = [(c, cw, sw) for c, cw, sw in boxes if cw > 375 or sw > cw + 1]
    assert trop_larges == [], f"{name} : tableaux qui défilent de côté : {trop_larges}"


def _mots(texte):
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


#: Each cell of a stacked table, as a phone shows it: the title it carries, the visible text before it, and
#: whether it has been laid out as a block (its own line) rather than a table cell.
CELLULES_EMPILEES = """() => [...document.querySelectorAll('table.empilable tbody tr > *')].map(c => [
  c.dataset.label, getComputedStyle(c, '::before').content, getComputedStyle(c).display])"""


@par_page(PAGES)
def test_a_stacked_table_names_each_cell_by_its_column_and_stays_a_table(vue, name):
    page, _ = vue(name, 375)
    cellules = page.evaluate(CELLULES_EMPILEES)
    for label, avant, display in cellules:
        assert display != "table-cell" and avant == f'"{label}"', (name, label, avant, display)
    lignes = page.eval_on_selector_all(
        "table.empilable tbody tr", "els => els.map(r => [...r.children].map(c => c.dataset.label))")
    colonnes = page.eval_on_selector_all(
        "table.empilable", "els => els.map(t => [...t.querySelectorAll('thead th')].map(h => h.textContent))")
    par_table = page.eval_on_selector_all("table.empilable", "els => els.map(t => t.tBodies[0].rows.length)")
    k = 0  # every cell's title is its column's title
    for titres_table, n in zip(colonnes, par_table, strict=True):
        for ligne in lignes[k : k + n]:
            assert [_mots(t) for t in ligne] == [_mots(t) for t in titres_table], (name, ligne, titres_table)
        k += n
    # still a table for a screen reader: its roles, caption and header cells are in the accessibility tree
    roles = page.eval_on_selector_all(
        "table.empilable", "els => els.map(t => [t.getAttribute('role'), !!t.caption, "
        "t.querySelectorAll('th[scope=col]').length, t.querySelector('tbody td, tbody th').getAttribute('role')])")
    assert all(r == "table" and cap and n > 0 and c in ("cell", "rowheader") for r, cap, n, c in roles), roles


#: The bounding boxes (CSS px) of every visible text of every chart, chart by chart.
BOITES_TEXTE = """() => [...document.querySelectorAll('.graphique-image svg')].filter(s => s.getClientRects().length)
  .map(s => [...s.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; }))"""


def chevauchements(boites, marge=0.5):
    """The pairs of texts whose boxes overlap by more than `marge` px both ways."""
    out = []
    for i, (ta, *a) in enumerate(boites):
        for tb, *b in boites[i + 1 :]:
            if min(a[2], b[2]) - max(a[0], b[0]) > marge and min(a[3], b[3]) - max(a[1], b[1]) > marge:
                out.append((ta, tb))
    return out


def test_overlap_detection_finds_overlaps():
    assert chevauchements([["a", 0, 0, 10, 10], ["b", 5, 5, 15, 15], ["c", 10.2, 0, 20, 4]]) == [("a", "b")]


@pytest.mark.parametrize("width", [375, 1280])
@par_page([f"{r}.html" for r in catalogue.ids()])
def test_no_two_chart_labels_overlap(vue, name, width):
    page, _ = vue(name, width)
    graphiques = page.evaluate(BOITES_TEXTE)
    vus = [p for g in graphiques for p in chevauchements(g)]
    assert vus == [], f"{name} à {width} px : étiquettes qui se chevauchent : {vus[:6]}"


#: What a page may weigh, for a phone plan (the stylesheet and every chart are inside it).
BUDGET_PAGE = 300 * 1024


@par_page(PAGES)
def test_every_page_is_light_on_a_phone_plan(depot_produit, name):
    taille = (depot_produit / "reports" / name).stat().st_size
    assert taille < BUDGET_PAGE, f"{name} : {taille} octets"


#: Visible chart text, in CSS pixels: each SVG text's font size times the drawing's scale on the page.
TAILLES_TEXTE = """() => [...document.querySelectorAll('.graphique-image svg')].filter(s => s.getClientRects().length)
  .flatMap(s => { const k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    return [...s.querySelectorAll('text')].map(
      t => [parseFloat(getComputedStyle(t).fontSize) * k, t.textContent]); })"""


@par_page(PAGES)
def test_chart_text_is_real_text_readable_on_a_phone(vue, name):
    page, _ = vue(name, 375)
    charts = page.eval_on_selector_all("figure.graphique", "els => els.length")
    sizes = page.evaluate(TAILLES_TEXTE)
    assert (charts == 0) == (sizes == []), name  # every chart shown has real SVG text
    small = [(round(px, 1), t) for px, t in sizes if px < 11]
    assert small == [], f"{name} : texte de graphique sous 11 px sur un téléphone : {small[:5]}"
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), f"{name} : identifiants en double"


# A breakable space where French typography forbids one: before ; : ! ? or », after «, inside a number
# (a digit, a space, three digits) or between a number and its unit.
ESPACE_INTERDITE = re.compile(r"[ \n\t](?=[;:!?»])|«[ \n\t]|\d[ \n\t]+(?=\d{3}\b|[%€]|min\b|h\b|s\b)")


@par_page(PAGES)
def test_french_typography_in_visible_text(vue, name):
    page, _ = vue(name, 1280)
    textes = page.evaluate("""() => { const out = []; const w = document.createTreeWalker(document.body, 4);
        while (w.nextNode()) { const n = w.currentNode, p = n.parentElement;
          if (!p.closest('pre, code, style, script') && p.getClientRects().length) out.push(n.data); }
        document.querySelectorAll('[aria-label], [alt], [title]').forEach(e =>
          out.push(e.getAttribute('aria-label') || e.getAttribute('alt') || e.getAttribute('title')));
        return out; }""")
    texte = "\u0001".join(textes)  # text nodes are not joined into words across elements
    bad = [texte[max(0, m.start() - 25) : m.end() + 10] for m in ESPACE_INTERDITE.finditer(texte)]
    assert bad == [], f"{name} : {bad[:8]}"
    assert "(s)" not in texte


@par_page([p for p in PAGES if p != "index.html"])
def test_tables_fit_a_wide_screen(vue, name):
    page, _ = vue(name, 1280)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
    cut = page.eval_on_selector_all(
        ".table-wrap", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length"
    )
    assert cut == 0, name


def test_the_capture_tool_takes_whole_pages_for_a_person_to_look_at(navigateur, depot_produit, tmp_path):
    """`make captures` (tools/captures.py): a page whole, as tall as it is, at a phone's width, in JPEG; a page
    not yet built is a French message that says what to run."""
    from PIL import Image

    outil = CAPTURES
    assert outil.pages() == ["index.html", *(f"{r}.html" for r in catalogue.ids()),
                             *(f"audit/{r}.html" for r in catalogue.ids())]
    faits = outil.capturer(depot_produit, tmp_path / "captures", ["index.html"], (375,), navigateur)
    assert faits == [tmp_path / "captures" / "index-375.jpg"]
    with Image.open(faits[0]) as image:
        assert image.format == "JPEG" and image.width == 375 and image.height > 900  # beyond the first screen
    with pytest.raises(SystemExit, match="Lancez d'abord « make reports »"):
        outil.capturer(tmp_path, tmp_path / "captures", ["bilan.html"])


def test_the_capture_tool_takes_the_top_of_a_page_too_tall_for_chromium(navigateur, depot_produit, tmp_path,
                                                                      monkeypatch, capsys):
    """A page taller than Chromium captures (the audit page of a large city's every budget line, millions of
    pixels on a phone): its top, down to `HAUTEUR_MAX`, and a French line that gives its whole height."""
    from PIL import Image

    outil = CAPTURES
    monkeypatch.setattr(outil, "HAUTEUR_MAX", 600)  # the index at 375 px is taller than that
    faits = outil.capturer(depot_produit, tmp_path / "captures", ["index.html"], (375,), navigateur)
    with Image.open(faits[0]) as image:
        assert (image.width, image.height) == (375, 600)
    ligne = capsys.readouterr().out.strip()
    hauteur = int(re.sub(r"\D", "", re.search(r"page de (\d[\d\s]*) px", ligne).group(1)))  # in French figures
    assert hauteur > 900 and ligne.startswith("index.html à 375 px") and ligne.endswith("ses 600 premiers px")


@contextlib.contextmanager
def imprimee(page):
    """The page in print media for the block's checks, then back on screen for the other tests."""
    page.emulate_media(media="print")
    try:
        yield page
    finally:
        page.emulate_media(media="null")


@par_page(PAGES)
def test_print_stylesheet_fits_a4(vue, name):
    page, _ = vue(name, 1280)
    with imprimee(page):
        assert page.evaluate("getComputedStyle(document.querySelector('.bandeau')).backgroundImage") == "none"
        # the audit code prints unfolded: every folded block's code is laid out
        folded = page.eval_on_selector_all(
            "details:not([open]) pre", "els => els.filter(e => !e.getClientRects().length).length"
        )
        assert folded == 0, name
        # numbers and words are never split across lines in print
        assert (
            page.eval_on_selector_all(
                "td, th, p, li",
                "els => els.filter(e => getComputedStyle(e).overflowWrap"
                " === 'anywhere' && !e.classList.contains('long')).length",
            )
            == 0
        )
        if name == "bilan.html":  # the dossier attached to the council's deliberation: printed whole, once
            pdf = page.pdf(format="A4")
            assert pdf[:4] == b"%PDF" and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 1  # pages, not /Pages
        # laid out at the width of an A4 page less the stylesheet's margins (@page: 14 mm a side), nothing is wider:
        # Chromium would otherwise shrink the whole page to fit; and every chart's text is at least 7 pt
        a4 = round((210 - 2 * 14) / 25.4 * 96)
        taille = page.viewport_size
        page.set_viewport_size({"width": a4, "height": taille["height"]})
        try:
            larges = page.eval_on_selector_all(
                "table", f"els => els.filter(t => t.scrollWidth > {a4}).map(t => t.caption.textContent.trim())")
            assert larges == [] and page.evaluate("document.documentElement.scrollWidth") <= a4, (name, larges)
            textes = page.eval_on_selector_all(
                "figure.graphique svg", "els => els.map(s => Math.min(...[...s.querySelectorAll('text')].map("
                "t => parseFloat(getComputedStyle(t).fontSize))) * s.getBoundingClientRect().width"
                " / s.viewBox.baseVal.width)")
            assert all(px >= 7 * 96 / 72 for px in textes), (name, textes)
        finally:
            page.set_viewport_size(taille)


def test_published_files_are_safe_to_put_online(depot_produit):
    """World-readable, no local absolute path, no test artefact, no runner state under reports/."""
    reports = depot_produit / "reports"
    for p in reports.rglob("*"):
        mode = p.stat().st_mode & 0o777
        assert mode == (0o755 if p.is_dir() else 0o644), f"{p} : {oct(mode)}"
        if p.is_file():
            assert not p.name.startswith("."), p
            assert p.suffix not in (".png", ".json"), p
            data = p.read_bytes()
            for local in (str(depot_produit), str(REPO), "/tmp/", "/home/"):
                assert local.encode() not in data, f"{p} : {local}"
