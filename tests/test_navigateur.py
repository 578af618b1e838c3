"""Every page in a real browser (Debian's Chromium driven by Playwright), as residents will read it:
no request leaves the machine, no serious axe violation, French alternatives, captioned tables,
headings in order, no sideways scroll on a 375 px phone; screenshots for a person to look at."""

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from cln_analysis import catalogue

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps"]
PAGES = ["index.html"] + [f"{r}.html" for r in catalogue.ids()] + [f"audit/{r}.html" for r in catalogue.ids()]


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


def _ouvrir(navigateur, path: Path, width: int):
    ctx = navigateur.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    outside = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:  # the network is cut: anything else is recorded and refused
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.goto(path.as_uri(), wait_until="load")
    return ctx, page, outside


@pytest.mark.parametrize("name", PAGES)
def test_page_is_self_contained_and_accessible(navigateur, depot_produit, name):
    from axe_playwright_python.sync_playwright import Axe

    ctx, page, outside = _ouvrir(navigateur, depot_produit / "reports" / name, 1280)
    try:
        assert outside == [], f"{name} : requêtes vers l'extérieur {outside}"
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert len(page.title()) > 20
        levels = page.eval_on_selector_all("main h1, main h2, main h3, main h4", "els => els.map(e => +e.tagName[1])")
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{name} : titres {levels}"
        alts = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
        for alt in alts:
            assert alt and len(alt) > 30 and re.match(r"(Diagramme|Radar|Courbe) ", alt), alt
            assert not re.search(r"\b(image|png|figure|chart|No description)\b", alt, re.I), alt
        tables = page.eval_on_selector_all(
            "table", "els => els.map(t => [t.caption ? t.caption.textContent.trim() : '', t.querySelectorAll('th[scope]').length])")
        for caption, n_th in tables:
            assert caption and n_th > 0
        results = Axe().run(page)
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name} : {serious}"
        for text in ("Notebook", "In [", "Out[", "Traceback"):
            assert text not in page.inner_text("body") or name.startswith("audit/"), text
    finally:
        ctx.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scroll_on_a_phone(navigateur, depot_produit, name):
    ctx, page, outside = _ouvrir(navigateur, depot_produit / "reports" / name, 375)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        widths = page.eval_on_selector_all("figure.graphique img", "els => els.map(e => e.getBoundingClientRect().width)")
        assert all(w <= 375 for w in widths)
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16
    finally:
        ctx.close()


@pytest.mark.parametrize("rid", catalogue.ids())
def test_screenshots_and_size(navigateur, depot_produit, rid):
    path = depot_produit / "reports" / f"{rid}.html"
    assert path.stat().st_size < 1.5 * 1024 * 1024
    out = REPO / "reports" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        ctx, page, _ = _ouvrir(navigateur, path, width)
        try:
            target = out / f"{rid}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        finally:
            ctx.close()


def test_print_stylesheet_fits_a4(navigateur, depot_produit):
    ctx, page, _ = _ouvrir(navigateur, depot_produit / "reports" / "budget.html", 1280)
    try:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.bandeau nav')).display") == "none"
        pdf = page.pdf(format="A4")
        assert pdf[:4] == b"%PDF"
    finally:
        ctx.close()
