"""French typography of published pages, the plural helper, and the downloads for French Excel."""

import csv
import io

import openpyxl

from cln_analysis import exports, formats, typographie
from cln_analysis.exports import feuille_excel

FINE, INSECABLE = "\u202f", "\u00a0"


def test_spaces_before_punctuation_inside_quotes_and_numbers():
    assert typographie.texte("Source : la « Ville » ; oui ! non ?") == (
        f"Source{INSECABLE}: la «{FINE}Ville{FINE}»{FINE}; oui{FINE}! non{FINE}?")
    assert typographie.texte("163 049 676 € et 14 chiffres, 7,3 %") == (
        f"163{FINE}049{FINE}676{INSECABLE}€ et 14{INSECABLE}chiffres, 7,3{INSECABLE}%")
    once = typographie.texte("« a » : b")
    assert typographie.texte(once) == once


def test_a_text_spaced_without_breakable_spaces_still_gets_its_punctuation_rule():
    # no-break spaces only: numbers and amounts as Babel writes them are left as they are
    assert typographie.texte(f"12{FINE}345") == f"12{FINE}345"
    assert typographie.texte(f"3{FINE}058{FINE}244,50{INSECABLE}€") == f"3{FINE}058{FINE}244,50{INSECABLE}€"
    # but the space before a sign is the rule's own, whatever space was typed
    assert typographie.texte(f"oui{INSECABLE}?") == f"oui{FINE}?"
    assert typographie.texte(f"Source{FINE}:") == f"Source{INSECABLE}:"
    assert typographie.texte(f"«{INSECABLE}Ville{INSECABLE}»") == f"«{FINE}Ville{FINE}»"


def test_only_text_nodes_and_text_attributes_change():
    page = ('<p title="a : b" href="x?y=1">x : y <code>a : b</code></p><style>a:hover{}</style>'
            '<pre>q ? r</pre><svg><text>NSPP : 3</text></svg>')
    assert typographie.html(page) == (
        f'<p title="a{INSECABLE}: b" href="x?y=1">x{INSECABLE}: y <code>a : b</code></p><style>a:hover{{}}</style>'
        f'<pre>q ? r</pre><svg><text>NSPP{INSECABLE}: 3</text></svg>')


def test_plurals_follow_french_rules():
    assert formats.pluriel(14, "chiffre conforme", "chiffres conformes") == "14 chiffres conformes"
    assert formats.pluriel(1, "écart", "écarts") == "1 écart"
    assert formats.pluriel(0, "écart", "écarts") == "0 écart"  # French: 0 is singular
    assert formats.pluriel(0, "écart", "écarts", "aucun écart") == "aucun écart"
    assert formats.pluriel(1500, "appel", "appels") == "1\u202f500 appels"
    assert formats.accord(2, "point bloquant", "points bloquants") == "points bloquants"


def test_csv_download_opens_in_columns_in_french_excel():
    data = exports.csv_excel("section,part_numerique,n\nfonctionnement,0.0276,3\n")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["section", "part_numerique", "n"], ["fonctionnement", "0,0276", "3"]]
    assert b"\r\n" in data


def test_workbook_has_french_headers_and_numbers_stored_as_numbers():
    import pandas as pd

    df = pd.DataFrame({"section": ["investissement"], "part": [0.0731], "montant": [3058244.0], "n": [12]})
    sheet = feuille_excel(df, "Parts", {"section": "Section", "part": "Part du numérique", "montant": "Montant"},
                          {"section": str.capitalize, "part": formats.pourcentage, "montant": formats.euros})
    wb = openpyxl.load_workbook(io.BytesIO(exports.classeur_excel({"parts_par_section": sheet})))
    ws = wb["parts_par_section"]
    assert [c.value for c in ws[1]] == ["Section", "Part du numérique", "Montant", "n"]
    assert [c.value for c in ws[2]] == ["Investissement", 0.073, 3058244, 12]  # the page's 7,3 %
    assert ws["B2"].number_format == "0.0%"
    assert ws["C2"].number_format == '#,##0 "€"'
