"""HTML fragments: values escaped, templates trusted, figures marked with their id."""

import html

from cln_analysis import rendu


def test_a_value_is_escaped_and_a_fragment_is_trusted():
    assert rendu.texte("Fichier : {f}", f="<a>&b") == "<p>Fichier : &lt;a&gt;&amp;b</p>"
    marque = rendu.chiffre_marque("cvs.2025.attribue", "269 045 €")
    attendu = '<p><span data-chiffre="cvs.2025.attribue">269 045 €</span> attribués</p>'
    assert rendu.texte("{v} attribués", v=marque) == attendu


def test_lists_quotes_and_cards_escape_their_text():
    assert rendu.liste(["a < b", "c"]) == "<ul><li>a &lt; b</li><li>c</li></ul>"
    cit = rendu.citation("« 10 à 15 minutes » & plus", "Diapositive")
    assert "<blockquote><p>« 10 à 15 minutes » &amp; plus</p></blockquote>" in cit and "<figcaption>Diapositive" in cit
    cartes = rendu.chiffres_cles([(rendu.chiffre_marque("x", "7,3 %"), "part <b>")])
    assert '<span class="valeur"><span data-chiffre="x">7,3 %</span></span>' in cartes
    assert html.escape("part <b>") in cartes


def test_an_alert_box_is_announced_and_a_note_is_not():
    assert 'role="alert"' in rendu.encadre("<p>x</p>", "alerte")
    assert 'role="note"' in rendu.encadre("<p>x</p>")
    assert "<strong>Ce qui bloque</strong>" in rendu.encadre("", "alerte", "Ce qui bloque")
