"""French formatting by Babel: narrow no-break spaces, decimal comma, French dates."""

import datetime as dt

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


def test_evolution_uses_true_minus_sign():
    assert f.evolution(326000 / 335796 - 1) == f"\u22122,9{NBSP}%"
    assert f.evolution(0.05).startswith("+5,0")


def test_date_longue_in_french():
    assert f.date_longue(dt.date(2026, 1, 31)) == "31 janvier 2026"


def test_valeur_by_unit():
    assert f.valeur(0.0731, "ratio") == f"7,3{NBSP}%"
    assert f.valeur(21, "count") == "21"
    assert f.valeur(76.05, "EUR_par_habitant").startswith(f"76,05{NBSP}€")
