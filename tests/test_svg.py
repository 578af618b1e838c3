"""SVG post-processing: an inline document per chart, ids of one chart never clash with another's, sized by the page,
hidden from assistive technology, and a phone version no wider than LARGEUR_TELEPHONE."""

import re

from cln_analysis import graphiques, svg


def _deux_versions(prefixe):
    fig = graphiques.barres_groupees(["2023", "2024", "2025"], {"Répondus": [1, 2, 3], "Perdus": [3, 2, 1]})
    return graphiques.en_svg(fig, prefixe)


def test_the_inline_document_is_fit_for_a_page():
    large, telephone = _deux_versions("g1")
    for doc, p in ((large, "g1l"), (telephone, "g1t")):
        assert doc.startswith('<svg aria-hidden="true" focusable="false" ') and "<?xml" not in doc
        ids = re.findall(r'\bid="([^"]+)"', doc)
        assert ids and all(i.startswith(p + "-") for i in ids)
        assert all(ref.startswith(p + "-") for ref in re.findall(r"url\(#([^)]+)\)", doc))
        head = doc[: doc.index(">")]
        assert " width=" not in head and " height=" not in head and "viewBox" in head


def test_two_charts_share_no_id():
    a, _ = _deux_versions("g1")
    b, _ = _deux_versions("g2")
    assert not set(re.findall(r'\bid="([^"]+)"', a)) & set(re.findall(r'\bid="([^"]+)"', b))


def test_the_phone_version_fits_the_phone_and_keeps_fallback_fonts():
    _, telephone = _deux_versions("g3")
    largeur = float(re.search(r'viewBox="0 0 ([\d.]+)', telephone).group(1))
    assert largeur <= svg.LARGEUR_TELEPHONE
    assert "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif" in telephone
