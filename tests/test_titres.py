"""The one title normaliser (`cln_analysis.lecture.titres`): every expected key written by hand."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from cln_analysis.lecture.titres import cle, cles, sans_accents


@pytest.mark.parametrize("texte,attendu", [
    ("Appels reçus", "appels recus"),
    ("  APPELS\u00a0\u00a0REÇUS ", "appels recus"),  # NBSP, runs of spaces, case
    ("Appels\u202freçus ?", "appels recus"),  # narrow NBSP, the final « ? » as French typography writes it
    ("Appels reçus?", "appels recus"),
    ("E\u0301lise", "elise"),  # a decomposed accent
    ("l\u2019avis", "l'avis"),  # the typographic apostrophe
    ("'=Impact", "=impact"),  # the apostrophe a CSV template keeps before a formula-like title
    ("'Impact", "'impact"),  # ... and only there
    ("Straße", "strasse"),
    ("Œuvre", "œuvre"),  # a ligature is no accent
    ("? ou pas", "? ou pas"),  # only a final « ? » goes
    ("", ""),
])
def test_keys(texte, attendu):
    assert cle(texte) == attendu


def test_a_column_at_once_agrees_with_one_text_at_a_time():
    textes = ["  Camille\u00a0 Exemple ", "E\u0301lise", "l\u2019Ami", "MAJ  x", "ß", "Élise", "", "Élise"]
    s = pd.Series(textes, index=[10, 11, 12, 13, 14, 15, 16, 17], dtype=object)
    out = cles(s)
    assert list(out.index) == list(s.index)
    assert list(out) == ["camille exemple", "elise", "l'ami", "maj x", "ss", "elise", "", "elise"]
    assert cles(pd.Series([], dtype=object)).empty


def test_accents_go_as_unicode_category_mn_says():
    """Cross-check against the definition by category (« Mn », nonspacing marks) over Latin letters."""
    lettres = "".join(chr(i) for i in range(0xC0, 0x250) if chr(i).isalpha())
    par_categorie = "".join(c for c in unicodedata.normalize("NFD", lettres) if unicodedata.category(c) != "Mn")
    assert sans_accents(lettres) == par_categorie


def test_every_character_of_the_basic_plane_is_kept_or_deleted_as_its_combining_class_says():
    """The table is filled as characters are met: over the whole plane at once, what it keeps and deletes is what
    `unicodedata.combining` says of each character of the decomposed text (apostrophes unified)."""
    plan = "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)  # surrogates are no text
    decompose = unicodedata.normalize("NFD", plan)
    attendu = "".join(c for c in decompose if not unicodedata.combining(c))
    for apostrophe in ("\u2019", "\u2018", "\u02bc"):
        attendu = attendu.replace(apostrophe, "'")
    assert sans_accents(plan) == attendu
    assert sans_accents(plan) == attendu  # the second time from the table as the first left it
