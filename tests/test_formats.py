"""French formatting by Babel: narrow no-break spaces, decimal comma, French dates."""

import datetime as dt
import math
import random
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import pytest
from babel.numbers import format_decimal, format_percent
from statsmodels.stats.proportion import proportion_confint

from cln_analysis import formats as f

NNBSP, NBSP = "\u202f", "\u00a0"


def test_pourcentage_decimal_comma_and_no_break_space():
    assert f.pourcentage(3058244 / 41801894) == f"7,3{NBSP}%"
    assert f.pourcentage(180645 / 269045, 0) == f"67{NBSP}%"


def test_euros_group_with_narrow_no_break_space():
    assert f.euros(3058244) == f"3{NNBSP}058{NNBSP}244{NBSP}€"
    assert f.euros(134522.5, 2) == f"134{NNBSP}522,50{NBSP}€"
    assert f.euros_auto(53809) == f"53{NNBSP}809{NBSP}€"
    assert f.euros_auto(134522.5) == f"134{NNBSP}522,50{NBSP}€"


def test_entier_nombre_and_millions():
    assert f.entier(98953) == f"98{NNBSP}953"
    assert f.nombre(2.5, 1) == "2,5"
    assert f.millions_euros(229510000) == f"229,51{NBSP}M{NBSP}€"


def test_many_counts_are_written_as_babel_writes_each():
    rng = random.Random(26)
    valeurs = [0, 7, -7, 999, 1000, -1000, 24878, 10**12, -(10**15)] + [rng.randint(-10**9, 10**9) for _ in range(500)]
    # Babel itself, value by value, in the project's locale (groups of three, narrow no-break space, its minus)
    assert f.entiers(valeurs) == [format_decimal(v, locale="fr_FR") for v in valeurs] == [f.entier(v) for v in valeurs]
    assert f.entiers([]) == []


def test_evolution_uses_true_minus_sign():
    assert f.evolution(326000 / 335796 - 1) == f"\u22122,9{NBSP}%"
    assert f.evolution(0.05).startswith("+5,0")


def test_signed_differences_of_amounts_use_a_true_minus_sign():
    assert f.ecart_euros(-49568) == f"\u221249{NNBSP}568{NBSP}€"
    assert f.ecart_euros(5320.4) == f"+5{NNBSP}320{NBSP}€"
    assert f.ecart_euros(-0.4) == f"0{NBSP}€" and f.ecart_euros(0.004, 2) == f"0,00{NBSP}€"  # rounds to zero: no sign
    assert f.ecart_euros(-12.345, 2) == f"\u221212,35{NBSP}€"  # half away from zero, as every amount
    assert f.points(-0.0123) == f"\u22121,2{NBSP}point" and f.points(0.025) == f"+2,5{NBSP}points"


def test_date_longue_in_french():
    assert f.date_longue(dt.date(2026, 1, 31)) == "31 janvier 2026"
    # the first of the month is written « 1er » (Lexique des règles typographiques de l'Imprimerie nationale)
    assert f.date_longue(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert f.date_longue(dt.datetime(2026, 2, 2, 23, 59)) == "2 février 2026"
    assert f.date_heure(dt.datetime(2026, 12, 1, 8, 5, 3)) == "1er décembre 2026 à 08:05:03"
    assert f.date_heure(dt.datetime(2026, 11, 21, 19, 34, 5)) == "21 novembre 2026 à 19:34:05"


def test_valeur_by_unit():
    assert f.valeur(0.0731, "ratio") == f"7,3{NBSP}%"
    assert f.valeur(21, "count") == "21"
    assert f.valeur(76.05, "EUR_par_habitant").startswith(f"76,05{NBSP}€")


# --- One rounding rule (issue 22): every display rounds half away from zero, Babel never re-rounds ---


def test_babel_alone_rounds_half_to_even():
    """Why `formats` rounds before Babel: Babel's own quantisation gives 80 % for 0,805 and 2 for 2,5."""
    assert format_percent(0.805, f._PERCENT, locale="fr_FR") == f"80{NBSP}%"
    assert format_decimal(2.5, "#,##0", locale="fr_FR") == "2"


def test_ties_round_half_away_from_zero_at_each_precision():
    assert f.pourcentage(0.805, 0) == f"81{NBSP}%"  # 80,5 → 81
    assert f.pourcentage(0.0725) == f"7,3{NBSP}%"  # 7,25 → 7,3
    assert f.pourcentage(0.00125, 2) == f"0,13{NBSP}%"  # 0,125 → 0,13
    assert f.pourcentage(-0.0725) == f"-7,3{NBSP}%"
    assert f.entier(2.5) == "3" and f.entier(0.5) == "1" and f.entier(1.5) == "2"
    assert f.entier(-2.5) == "-3"
    assert f.nombre(0.125, 2) == "0,13"
    assert f.nombre(-0.05, 1) == "-0,1"
    assert f.nombre(-0.04, 1) == "0,0"  # no « −0,0 »
    assert f.euros(2.5) == f"3{NBSP}€"
    assert f.euros(0.125, 2) == f"0,13{NBSP}€"
    assert f.euros_auto(53808.995) == f"53{NNBSP}809{NBSP}€"  # 53 808,995 → 53 809,00: no cents left
    assert f.millions_euros(229_505_000) == f"229,51{NBSP}M{NBSP}€"  # 229,505 → 229,51 (Babel: 229,50)
    assert f.duree(0.25) == f"0,3{NBSP}s"


def test_float_noise_is_read_on_the_shortest_decimal_form():
    assert f.pourcentage(0.1 + 0.2, 0) == f"30{NBSP}%"
    assert f.pourcentage(0.1 + 0.2, 2) == f"30,00{NBSP}%"
    assert f.nombre(0.1 + 0.2, 16) == "0,3000000000000000"
    assert f.pourcentage(0.145, 0) == f"15{NBSP}%"  # the float product 0.145 * 100 is 14.499999999999998


def test_the_rule_does_not_depend_on_the_decimal_context():
    """Babel rounds in the current decimal context: with any context, a pre-rounded value is unchanged."""
    for mode in (ROUND_HALF_EVEN, ROUND_DOWN):
        with localcontext(rounding=mode):
            assert f.pourcentage(0.805, 0) == f"81{NBSP}%"
            assert f.entier(2.5) == "3"
            assert f.millions_euros(229_505_000) == f"229,51{NBSP}M{NBSP}€"


def test_every_display_agrees_with_decimal_half_up():
    for k in range(-300, 301):
        v = k / 200  # ties at every 0,005
        half_up = (Decimal(str(v)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert f.pourcentage(v, 0) == f"{'-' if half_up < 0 else ''}{abs(half_up)}{NBSP}%", v
        half_up = Decimal(str(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert f.nombre(v, 2) == str(half_up).replace(".", ","), v


def test_signs_and_plurals_follow_the_rounded_value():
    assert f.evolution(0.0005) == f"+0,1{NBSP}%"  # 0,05 % → 0,1 %: a change is shown, so is its sign
    assert f.evolution(-0.00049) == f"0,0{NBSP}%"  # rounds to zero: no sign
    assert f.points(0.015, 0) == f"+2{NBSP}points"  # 1,5 point → 2 points
    assert f.points(0.0149, 0) == f"+1{NBSP}point"
    assert f.points(-0.004, 0) == f"0{NBSP}point"
    assert f.valeur(1.996, "erlangs") == f"2,00{NBSP}erlangs"
    # a change of a share, in points: signed, as the prose prints it (0,00275 → 0,3 point at one decimal)
    assert f.valeur(0.00275, "points") == f"+0,3{NBSP}point"
    assert f.valeur(-0.0215, "points", 0) == f"\u22122{NBSP}points"


def test_intervals_are_printed_outward_within_0_and_100():
    # 8/13 with statsmodels' Wilson interval: [35,52 %; 82,29 %] is printed 35 % to 83 %, never 36 % to 82 %
    bas, haut = proportion_confint(8, 13, alpha=0.05, method="wilson")
    assert (round(bas, 4), round(haut, 4)) == (0.3552, 0.8229)
    assert f.intervalle(bas, haut) == (f"35{NBSP}%", f"83{NBSP}%")
    assert f.intervalle(bas, haut, 1) == (f"35,5{NBSP}%", f"82,3{NBSP}%")
    assert f.intervalle(0.3, 0.7) == (f"30{NBSP}%", f"70{NBSP}%")
    assert f.intervalle(-1e-17, 1 + 2e-16) == (f"0{NBSP}%", f"100{NBSP}%")  # float noise never leaves 0–100 %
    assert f.bornes_arrondies(bas, haut) == (0.35, 0.83)
    assert f.bornes_arrondies(bas, haut, 1) == (0.355, 0.823)
    assert (f.borne_basse(bas), f.borne_haute(haut)) == (f"35{NBSP}%", f"83{NBSP}%")


def test_nombre_du_texte_reads_back_what_a_page_prints():
    assert f.nombre_du_texte(f"81{NBSP}%") == 0.81
    assert f.nombre_du_texte(f.borne_basse(0.3552)) == 0.35
    assert f.nombre_du_texte(f"\u22122,9{NBSP}%") == -0.029
    assert f.nombre_du_texte(f"3{NNBSP}058{NNBSP}244{NBSP}€") == 3058244.0
    assert f.nombre_du_texte("2,5") == 2.5
    assert f.nombre_du_texte("non mesurable") is None


@pytest.mark.parametrize(("texte", "attendu"), [
    (f"12{NNBSP}345", 12345.0), ("007", 7.0), (f"1{NBSP}234{NBSP}567", 1234567.0), ("1 234", 1234.0),
    ("1\t234", 1234.0),  # a tab: not a group's space, read by the pattern (every space is dropped)
    ("\u0663", 3.0),  # an Arabic-Indic digit: not ASCII, read by the pattern as Decimal reads it
    (f"12{NNBSP}345{NBSP}€", 12345.0), ("", None), (NNBSP, None),
])
def test_a_count_is_read_back_as_the_pattern_reads_it(texte, attendu):
    assert f.nombre_du_texte(texte) == attendu


def test_valeur_arrondie_holds_what_the_page_prints():
    assert f.valeur_arrondie(0.805, "ratio", 0) == 0.81
    assert f.valeur_arrondie(0.0725, "ratio") == 0.073  # default: one decimal of percent
    assert f.valeur_arrondie(2.5, "count", 0) == 3.0
    assert f.valeur_arrondie(21, "count") == 21.0
    assert f.valeur_arrondie(2.25, "count") == 2.3
    assert f.valeur_arrondie(76.045, "EUR_par_habitant") == 76.05
    assert f.valeur_arrondie(3058243.5, "EUR") == 3058244.0
    assert f.valeur_arrondie(12.345, "erlangs") == 12.35
    assert f.valeur_arrondie(0.00275, "points") == 0.003  # the 0,3 point the page prints
    assert f.valeur_arrondie(-2.5, "score", 0) == -3.0


def test_decimales_exactes():
    assert f.decimales_exactes([0, 0.025, 0.05, 0.075], 100) == 1
    assert f.decimales_exactes([0, 0.25, 0.5, 0.75, 1], 100) == 0
    assert f.decimales_exactes([0.1 + 0.2, 0.6], 100) == 0  # 30,000000000000004: noise is not a decimal
    assert f.decimales_exactes([0.12345], 100) == 2  # at most two
    assert f.decimales_exactes([1, 2, 3], minimum=1) == 1
    assert f.decimales_exactes([]) == 0


def test_numbers_written_without_babel_are_written_as_babel_writes_them(monkeypatch):
    # the direct writing (groups, comma, minus sign of the locale) against Babel itself, on amounts, shares and
    # bounds of every size and sign, at 0 to 3 decimals; a bound clipped to 100 % (no decimals of its own) too
    import random

    assert f._DIRECT  # fr_FR: the direct writing is the one used
    rng = random.Random(26)
    valeurs = [0.0, -0.0, 0.5, -0.5, 1e-9, 999.995, -999.995, 1234.5, -1234.5, 1e15, 123456789.125, 0.0725,
               0.805, 0.9999, 1.00004, 2.5e20]
    valeurs += [rng.uniform(-1e7, 1e7) for _ in range(300)] + [rng.random() for _ in range(300)]
    fonctions = (f.nombre, f.euros, f.pourcentage, f.borne_basse, f.borne_haute)
    for v in valeurs:
        for d in range(4):
            direct = [fn(v, d) for fn in fonctions]
            monkeypatch.setattr(f, "_DIRECT", False)
            assert direct == [fn(v, d) for fn in fonctions], (v, d)
            monkeypatch.setattr(f, "_DIRECT", True)
    assert f.borne_haute(0.99999, 1) == f"100,0{NBSP}%"  # Decimal(100) has no decimal: Babel's path writes it


def test_phrase_upper_cases_the_first_letter_only():
    assert f.phrase("non mesurable : la colonne « appels_callbot » manque") == (
        "Non mesurable : la colonne « appels_callbot » manque")
    assert f.phrase("éléments de CNI") == "Éléments de CNI"  # an accented letter, the rest untouched
    assert f.phrase("12 %") == "12 %" and f.phrase("") == ""


def test_one_rule_for_every_duration_rounded_to_the_second():
    # rounded half away from zero first (59,5 s is a minute), then seconds below a minute, minutes and seconds above
    attendus = {0: "moins d'une seconde", 0.49: "moins d'une seconde", 0.5: f"1{NBSP}s", 45: f"45{NBSP}s",
                59.4: f"59{NBSP}s", 59.5: f"1{NBSP}min", 80: f"1{NBSP}min{NBSP}20{NBSP}s",
                365: f"6{NBSP}min{NBSP}5{NBSP}s", 600: f"10{NBSP}min", 4505: f"75{NBSP}min{NBSP}5{NBSP}s",
                90_000: f"1{NNBSP}500{NBSP}min"}
    for secondes, texte in attendus.items():
        assert f.attente(secondes) == texte, secondes
    assert f.attente(math.inf) == "sans limite (file qui ne se vide jamais)"


def test_a_figure_in_seconds_or_minutes_reads_by_the_duration_rule():
    # the text a figure shows (registre.affichage → valeur) is the text of a table cell (attente): 80 s never
    # « 80 s » in the prose and « 1,3 min » in a table
    assert f.valeur(80, "secondes") == f.attente(80) == f"1{NBSP}min{NBSP}20{NBSP}s"
    assert f.valeur(80, "secondes", 0) == f.valeur(80, "secondes", 2) == f"1{NBSP}min{NBSP}20{NBSP}s"
    assert f.valeur(4.7, "minutes") == f"4{NBSP}min{NBSP}42{NBSP}s"  # 4,7 × 60 = 282 s
    assert f.valeur(10, "minutes", 1) == f"10{NBSP}min"
    # what a workbook cell holds where it shows the page's text: the figure at the second, in its own unit
    assert f.valeur_arrondie(79.5, "secondes") == 80.0
    assert f.valeur_arrondie(4.7333, "minutes") == 284 / 60  # 283,998 s → 284 s


def test_a_count_is_written_as_babel_writes_it():
    # integers take a path without Decimal (a workbook of 25 000 lines numbers each): Babel's own text
    import numpy as np

    for n in (0, 7, -7, 999, 1000, -1234567, 10**30, np.int64(-98953), np.int64(2**62), True):
        with localcontext() as ctx:
            ctx.prec = 60  # Babel quantises in the current context: 28 digits by default
            attendu = format_decimal(Decimal(int(n)), format="#,##0", locale="fr_FR")
        assert f.entier(n) == attendu, n
    assert f.nombre(98953) == "98\u202f953" and f.nombre(-5) == "-5"  # Babel's fr_FR minus: the hyphen
