"""Screenshots of every published page, for a person to look at: `make captures`.

Each page of reports/ (the index, each report, each audit page) as a phone (375 px) and a wide screen
(1 280 px) show it, whole (its top only when it is taller than Chromium can capture: `HAUTEUR_MAX`), in JPEG,
and bilan (the dossier attached to the council's deliberation) printed to A4 PDF, all under build/captures/
(never under reports/, which is published). Drawn by Debian's Chromium
through Playwright, the network cut as in the browser tests (`tests/test_navigateur.py`, which checks what can
be checked by a program; these are for what only a person sees: is the French right, does a table read on a
phone). Run `make reports` first.

    python tools/captures.py [--largeurs 375 1280] [--pages bilan.html audit/bilan.html]
"""

from __future__ import annotations

import argparse
import base64
import shutil
import sys
from pathlib import Path

from cln_analysis import catalogue, config, formats

#: What Chromium needs here (as the browser tests launch it): no sandbox as root, no GPU, no network service.
ARGUMENTS_CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--disable-default-apps"]
LARGEURS = (375, 1280)


def pages() -> list[str]:
    """Every published page, as reports/ names them."""
    ids = catalogue.ids()
    return ["index.html", *(f"{r}.html" for r in ids), *(f"audit/{r}.html" for r in ids)]


#: The tallest capture, in CSS pixels: Chromium refuses a capture much taller (« Unable to capture screenshot »: the
#: audit page of a large city's 25 000 budget lines, stacked on a phone, is millions of pixels tall), and JPEG
#: stops at 65 535. A taller page is captured from its top down to this height, and said so.
HAUTEUR_MAX = 30_000


def capture_pleine_page(page, cible: Path) -> int | None:
    """The whole page as a JPEG: what Playwright's full-page screenshot takes in Chromium, with Chromium's
    `optimizeForSpeed` encoding (Playwright does not expose it). JPEG at quality 85 rather than PNG: the text
    reads the same and a tall page is encoded in a fraction of the time. A page taller than `HAUTEUR_MAX`: its top
    only, and its whole height returned (None when captured whole)."""
    cdp = page.context.new_cdp_session(page)
    try:
        taille = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        hauteur = min(taille["height"], HAUTEUR_MAX)
        zone = {"x": 0, "y": 0, "width": taille["width"], "height": hauteur, "scale": 1}
        image = cdp.send("Page.captureScreenshot", {"format": "jpeg", "quality": 85, "clip": zone,
                                                    "captureBeyondViewport": True, "optimizeForSpeed": True})
    finally:
        cdp.detach()
    cible.write_bytes(base64.b64decode(image["data"]))
    return None if hauteur == taille["height"] else round(taille["height"])


def onglet(navigateur, largeur: int, refusees: list[str] | None = None):
    """A tab `largeur` px wide, in French, the network cut: a request that would leave the machine is refused,
    and its address added to `refusees` when given (the browser tests assert it stays empty)."""
    ctx = navigateur.new_context(viewport={"width": largeur, "height": 900}, locale="fr-FR")

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            if refusees is not None:
                refusees.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx, ctx.new_page()


def capturer(racine: Path, sortie: Path, noms: list[str], largeurs=LARGEURS, navigateur=None) -> list[Path]:
    """The screenshots of `noms` (pages of `racine`/reports/) at each width, and bilan's PDF when it is among
    them, written under `sortie`; the files written. `navigateur`: a Playwright browser already launched (the
    tests'), else Debian's Chromium is launched for the time of the captures."""
    manquantes = [n for n in noms if not (racine / "reports" / n).is_file()]
    if manquantes:
        raise SystemExit(f"Pages absentes de reports/ : {', '.join(manquantes)}. Lancez d'abord « make reports ».")
    if navigateur is None:
        from playwright.sync_api import sync_playwright

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise SystemExit("Chromium est introuvable : installez-le avec « apt-get install chromium ».")
        with sync_playwright() as p:
            navigateur = p.chromium.launch(executable_path=chromium, args=ARGUMENTS_CHROMIUM)
            try:
                return capturer(racine, sortie, noms, largeurs, navigateur)
            finally:
                navigateur.close()
    sortie.mkdir(parents=True, exist_ok=True)
    faits = []
    for largeur in largeurs:
        ctx, page = onglet(navigateur, largeur)
        try:
            for nom in noms:
                page.goto((racine / "reports" / nom).as_uri(), wait_until="load")
                cible = sortie / f"{nom.removesuffix('.html').replace('/', '-')}-{largeur}.jpg"
                tronquee = capture_pleine_page(page, cible)
                faits.append(cible)
                if tronquee is not None:
                    print(f"{nom} à {largeur} px : page de {formats.entier(tronquee)} px de haut, capturée sur "
                          f"ses {formats.entier(HAUTEUR_MAX)} premiers px")
                if nom == "bilan.html" and largeur == largeurs[-1]:
                    cible = sortie / "bilan.pdf"
                    cible.write_bytes(page.pdf(format="A4"))
                    faits.append(cible)
        finally:
            ctx.close()
    return faits


def main(argv: list[str] | None = None) -> int:
    parseur = argparse.ArgumentParser(description="Captures d'écran des pages publiées (build/captures/).")
    parseur.add_argument("--largeurs", type=int, nargs="+", default=list(LARGEURS), metavar="PX",
                         help="largeurs de fenêtre, en pixels (375 et 1280 par défaut)")
    parseur.add_argument("--pages", nargs="+", metavar="PAGE", help="pages de reports/ (toutes par défaut)")
    args = parseur.parse_args(argv)
    faits = capturer(config.ROOT, config.BUILD_DIR / "captures", args.pages or pages(), args.largeurs)
    for f in faits:
        print(f.relative_to(config.ROOT).as_posix())
    ecrits = "1 fichier écrit" if len(faits) == 1 else f"{len(faits)} fichiers écrits"
    print(f"{ecrits} dans build/captures/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
