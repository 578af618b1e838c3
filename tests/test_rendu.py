"""HTML fragments: values escaped, templates trusted, figures marked with their id."""

import html

import pandas as pd

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


def test_a_long_table_is_a_lean_accessible_table_with_the_pages_texts():
    df = pd.DataFrame({"ligne": [12, 1014, 12], "note": ["a ; b <c>", None, "a ; b <c>"], "x": [1.5, 2.0, 1.5]})
    t = rendu.tableau_long(df, "Les « lignes »", formats={"x": lambda v: f"{v:.1f} €"}, libelles={"ligne": "Ligne"})
    assert t.textes == [["12", "1014"], ["a ; b <c>", "—"], ["1.5 €", "2.0 €"]]  # each distinct text once
    assert [c.tolist() for c in t.codes] == [[0, 1, 0], [0, 1, 0], [0, 1, 0]] and t.numeriques == [True, False, True]
    html = rendu.tableau_long_html(t)
    assert html == (
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Les «\u202flignes\u202f»"><table>'
        "<caption>Les «\u202flignes\u202f»</caption><thead><tr><th scope=\"col\">Ligne</th>"
        '<th scope="col">note</th><th scope="col">x</th></tr></thead><tbody>'
        '<tr><th scope="row">12</th><td>a\u202f; b &lt;c&gt;</td><td class="num">1.5\u00a0€</td></tr>'
        '<tr><th scope="row">1014</th><td>—</td><td class="num">2.0\u00a0€</td></tr>'
        '<tr><th scope="row">12</th><td>a\u202f; b &lt;c&gt;</td><td class="num">1.5\u00a0€</td></tr>'
        "</tbody></table></div>")
    # a text column, even formatted (a section's label), is text, as `tableau` aligns it: not right-aligned
    sections = rendu.tableau_long(pd.DataFrame({"n": [1], "section": ["investissement"]}), "L",
                                  formats={"section": str.capitalize})
    assert sections.textes[1] == ["Investissement"] and sections.numeriques == [True, False]


def test_a_long_tables_counts_are_written_as_escaping_and_french_spacing_leave_them():
    # texts a count takes (Babel's groups), and near misses that take the full path (an ASCII space French spacing
    # replaces, 25 digits that may break anywhere, a superscript digit, an ampersand)
    from cln_analysis import typographie

    textes = ["0", "12\u202f345", "1\u00a0234", "1" * 24, "12 345", "1" * 25, "\u00b2", "1 & 2", "12\u202f345,5"]
    t = rendu.TableauLong("L", ["a", "b"], [True, True], [textes, textes], [list(range(9)), list(range(9))])
    rangs = rendu.tableau_long_html(t).split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    for texte, rang in zip(textes, rangs, strict=True):  # by the rule written once: escaped, spaced, breakable
        contenu = typographie.texte(html.escape(texte))  # no quote among them
        long = ' class="long"' if rendu.coupable(texte) else ""
        classe = long or ' class="num"'
        assert rang == f'<tr><th scope="row"{long}>{contenu}</th><td{classe}>{contenu}</td>', texte
    assert "12\u202f345" in rangs[4] and 'class="long"' in rangs[5] and "1 &amp; 2" in rangs[7]
    une = rendu.TableauLong("L", ["a"], [False], [["x", "y"]], [[1, 0]])  # one column opens and closes its rows
    assert "<tbody><tr><th scope=\"row\">y</th></tr><tr><th scope=\"row\">x</th></tr></tbody>" in \
        rendu.tableau_long_html(une)


def test_a_cell_breaks_anywhere_only_for_a_hash_an_id_or_a_file_name():
    # by hand: the SHA-256 (64 characters), a path, a file name of 21 characters with « _ » and « . »
    assert rendu.coupable("573e8e6d220026a8e3353700391c143b8a1d8aede4c3ae6be8bf27d030a97095")
    assert rendu.coupable("data/raw/cvs_categories.csv") and rendu.coupable("cvs_cofinancement.csv")
    # words a line may wait for: French words, a short file name, a number whose groups are parted by spaces
    assert not rendu.coupable("Règle de co-financement Ville / État du Contrat de ville et des solidarités")
    assert not rendu.coupable("territoire.csv") and not rendu.coupable("environnementale")
    assert not rendu.coupable("Efficacité environnementale.") and not rendu.coupable("d'accompagnement,")
    assert rendu.coupable("budget_lignes_exemple.csv") and rendu.coupable("https://schema.data.gouv.fr/scdl")
    assert not rendu.coupable("7\u202f567\u202f003,42\u00a0€") and not rendu.coupable("intercommunalités")
