"""SVG post-processing: one inline document per chart, drawn at a phone's width; ids of one chart never clash with
another's, sized by the page, hidden from assistive technology, no wider than LARGEUR_TELEPHONE, words never cut,
numeric ticks thinned until their labels do not touch, coordinates shortened."""

import re

import matplotlib

from cln_analysis import graphiques, svg


def _dessin(prefixe):
    fig = graphiques.barres_groupees(["2023", "2024", "2025"], {"Répondus": [1, 2, 3], "Perdus": [3, 2, 1]})
    return graphiques.en_svg(fig, prefixe)


def test_the_inline_document_is_fit_for_a_page():
    doc = _dessin("g1")
    assert doc.startswith('<svg aria-hidden="true" focusable="false" ') and "<?xml" not in doc
    ids = re.findall(r'\bid="([^"]+)"', doc)
    assert ids and all(i.startswith("g1-") for i in ids)
    assert all(ref.startswith("g1-") for ref in re.findall(r"url\(#([^)]+)\)", doc))
    head = doc[: doc.index(">")]
    assert " width=" not in head and " height=" not in head and "viewBox" in head
    assert doc.count("<svg") == 1  # one drawing per chart, for every screen


def test_two_charts_share_no_id():
    a, b = _dessin("g1"), _dessin("g2")
    assert not set(re.findall(r'\bid="([^"]+)"', a)) & set(re.findall(r'\bid="([^"]+)"', b))


def test_the_drawing_fits_the_phone_and_keeps_fallback_fonts():
    doc = _dessin("g3")
    largeur = float(re.search(r'viewBox="0 0 ([\d.]+)', doc).group(1))
    assert largeur <= svg.LARGEUR_TELEPHONE
    assert "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif" in doc
    tailles = [float(t) for t in re.findall(r"font-size: ([\d.]+)px", doc)]
    assert tailles and min(tailles) >= svg.TEXTE_TELEPHONE


def test_long_category_names_are_wrapped_between_words_only():
    fig = graphiques.barres_horizontales(["Investissement", "Fonctionnement et charges de personnel"], [0.07, 0.02])
    doc = graphiques.en_svg(fig)
    textes = re.findall(r">([^<>]+)</text>", doc)
    mots = {m for t in textes for m in t.split()}
    assert "Investissement" in mots and "Fonctionnement" in mots and "personnel" in mots
    assert not any(m in mots for m in ("Investisseme", "nt", "Fonctionneme"))
    assert svg._plier("Investissement numérique", 12) == "Investissement\nnumérique"


def test_numeric_ticks_whose_labels_touch_are_thinned_and_categories_kept():
    with matplotlib.rc_context(graphiques.STYLE):
        fig = graphiques.barres_horizontales(["Écrivains publics", "Autres projets"], [180645, 88400], "euros")
        fig.set_size_inches(2.2, 2)
        ax = fig.axes[0]
        avant = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
        svg._eclaircir(fig)
        fig.draw_without_rendering()  # laid out again by matplotlib itself, on its own renderer
        boites = [t.get_window_extent() for t in ax.xaxis.get_ticklabels() if t.get_text()]
    apres = list(ax.get_xticks())
    assert len(apres) < len(avant) and set(apres) <= set(avant)
    # no two labels closer than 2 display units, measured here from their extents
    boites.sort(key=lambda b: b.x0)
    assert all(b.x0 - a.x1 >= 2 for a, b in zip(boites, boites[1:], strict=False))
    assert [t.get_text() for t in ax.yaxis.get_ticklabels()] == ["Écrivains publics", "Autres projets"]


def test_coordinates_are_shortened_but_text_is_not():
    doc = svg._alleger('<path d="M 0 73.2 \n C 0.318244 73.2 -0.000123 12.5" x="12.345678">1.23456</path>')
    assert doc == '<path d="M 0 73.2 C 0.32 73.2 0 12.5" x="12.35">1.23456</path>'


def _deux_figures():
    with matplotlib.rc_context(graphiques.STYLE):
        return [graphiques.barres_horizontales(["Fonctionnement", "Investissement"], [0.028, 0.073])
                for _ in range(2)]


def test_the_width_and_box_are_known_before_drawing_and_the_drawing_is_that_of_a_whole_save():
    """A figure laid out by `_mise_en_page` then drawn once in the box it found is the figure a whole tight save
    of it draws: same width, same text, the same marks within a hundredth of a unit."""
    mesuree, enregistree = _deux_figures()
    with matplotlib.rc_context(graphiques.STYLE):
        largeur, cadre = svg._mise_en_page(mesuree)
        dessin = svg._svg_brut(mesuree, cadre)
        entiere = svg._svg_brut(enregistree)
        # matplotlib's own tight box, computed here from the whole save's figure and its padding
        attendu = enregistree.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])
    vue = [float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', entiere).groups()]
    assert largeur == float(re.search(r'viewBox="0 0 ([\d.]+)', dessin).group(1))
    assert abs(largeur - vue[0]) < 0.01 and abs(cadre.height * 72 - vue[1]) < 0.01
    assert abs(cadre.width - attendu.width) < 0.01 and abs(cadre.height - attendu.height) < 0.01
    assert re.findall(r">([^<>]+)</text>", dessin) == re.findall(r">([^<>]+)</text>", entiere)
    assert re.sub(r'url\(#[^)]+\)|id="[^"]+"', "", svg._alleger(dessin)) == re.sub(
        r'url\(#[^)]+\)|id="[^"]+"', "", svg._alleger(entiere))
    assert mesuree.get_layout_engine() is not None  # the layout engine is given back after the drawing


def _passes(monkeypatch, fig):
    """(the layouts, the drawings) `graphiques.en_svg(fig)` makes, and the document."""
    dessins, mesures = [], []
    brut, mesure = svg._svg_brut, svg._mise_en_page
    monkeypatch.setattr(svg, "_svg_brut", lambda fig, cadre=None: dessins.append(cadre) or brut(fig, cadre))
    monkeypatch.setattr(svg, "_mise_en_page", lambda fig, **kw: mesures.append(mesure(fig, **kw)) or mesures[-1])
    return mesures, dessins, graphiques.en_svg(fig)


def test_a_chart_that_fits_its_first_size_is_laid_out_once_and_drawn_once(monkeypatch):
    mesures, dessins, doc = _passes(monkeypatch, _deux_figures()[0])
    assert len(mesures) == 1 and len(dessins) == 1 and dessins[0] is mesures[0][1]
    # its first size is the phone's width less what the crop adds (matplotlib's 0,1 in of padding a side, where
    # the layout leaves 3/72 in) and a twentieth of an inch; cropped, the drawing is that width less the twentieth
    attendu = svg.LARGEUR_TELEPHONE - 0.05 * 72
    assert abs(float(re.search(r'viewBox="0 0 ([\d.]+)', doc).group(1)) - attendu) < 1


def test_a_chart_whose_ticks_are_thinned_is_laid_out_once_and_drawn_once(monkeypatch):
    # amounts in euros on a phone: « 1 600 000 € » labels touch at the first layout; they are thinned in it
    with matplotlib.rc_context(graphiques.STYLE):
        fig = graphiques.barres_horizontales(["Systèmes d'information", "Sites web", "Écoles"],
                                             [2279615, 1697758, 1055588], "euros")
    mesures, dessins, doc = _passes(monkeypatch, fig)
    assert len(mesures) == 1 and len(dessins) == 1 and dessins[0] is mesures[0][1]
    ax = fig.axes[0]
    graduations = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
    assert len(graduations) <= 3  # MaxNLocator(4)'s five ticks, one in two kept
    # in the drawing itself, measured here from its text: every tick label, none closer than 2 units to the next
    textes = re.findall(r">([^<>]*€)</text>", doc)
    assert textes and "0\u00a0€" in textes[0]
    boites = sorted((t.get_window_extent(dpi=72) for t in ax.xaxis.get_ticklabels() if t.get_text()),
                    key=lambda b: b.x0)
    assert all(b.x0 - a.x1 >= 2 for a, b in zip(boites, boites[1:], strict=False))
    assert float(re.search(r'viewBox="0 0 ([\d.]+)', doc).group(1)) <= svg.LARGEUR_TELEPHONE


def test_a_chart_whose_labels_overflow_is_narrowed_once_and_drawn_once(monkeypatch):
    fig = _deux_figures()[0]
    fig.text(0.98, 0.5, "une note au bord", ha="left")  # beyond the layout's reach: it widens the crop
    mesures, dessins, doc = _passes(monkeypatch, fig)
    assert len(mesures) == 2 and mesures[0][0] > svg.LARGEUR_TELEPHONE  # too wide at first: narrowed
    assert len(dessins) == 1 and dessins[0] is mesures[-1][1]  # drawn once, in the box of the last layout
    largeur = float(re.search(r'viewBox="0 0 ([\d.]+)', doc).group(1))  # at two decimals (`_alleger`)
    assert abs(largeur - mesures[-1][0]) < 0.01 and largeur <= svg.LARGEUR_TELEPHONE


def test_the_radars_labels_stay_outside_its_ring_on_a_phone():
    # the grid's eight criteria around the radar, drawn for a phone: each label grows away from the ring from its
    # point (centred, « Efficacité environnementale » and « Impact métiers » crossed the ring at 375 px)
    titres = ["Usage, intérêt fonctionnel", "Cohérence, stratégie de territoire", "Impact métiers",
              "Protection de la vie privée", "Transparence, souveraineté", "Fiabilité, biais ou erreurs",
              "Efficacité environnementale", "Gouvernance citoyenne"]
    fig = graphiques.radar(titres, [3, 3.5, 2, 1.5, 2, 1, 1, 2.5])
    with matplotlib.rc_context(graphiques.STYLE):
        svg._version_telephone(fig)
    ax = fig.axes[0]
    fig.set_dpi(72)  # measured in the SVG's own units, as the save laid it out
    cx, cy = ax.transAxes.transform((0.5, 0.5))
    rayon = ax.transAxes.transform((1, 0.5))[0] - cx
    assert rayon > 60  # the radar keeps a readable size: more than a third of the drawing's width across
    for t in ax.get_xticklabels():
        b = t.get_window_extent(dpi=72)
        x, y = min(max(cx, b.x0), b.x1), min(max(cy, b.y0), b.y1)  # the label's nearest point to the centre
        assert ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 >= rayon, t.get_text()
