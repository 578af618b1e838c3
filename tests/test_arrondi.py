"""The one rounding rule (issue 22): half away from zero on the shortest decimal form; bounds outward.

Expected values are written by hand (the arithmetic in the comment) or computed in the test by Python's
`decimal` from the literal's text, never by `arrondi` itself.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cln_analysis.arrondi import CENT, arrondi, arrondi_bas, arrondi_haut, decimal_exact


@pytest.mark.parametrize(
    ("value", "decimales", "echelle", "attendu"),
    [
        (0.805, 0, CENT, "81"),  # 80,5 % → 81 % (half to even, Babel's rule, gives 80)
        (0.0725, 1, CENT, "7.3"),  # 7,25 % → 7,3 % (Python: 0.0725 * 100 = 7.249999999999999)
        (0.145, 0, CENT, "15"),  # 14,5 % → 15 % (Python: 0.145 * 100 = 14.499999999999998)
        (2.5, 0, 1, "3"),  # round(2.5) is 2
        (3.5, 0, 1, "4"),
        (-2.5, 0, 1, "-3"),  # away from zero, not up: −2,5 → −3
        (-0.0725, 1, CENT, "-7.3"),
        (2.675, 2, 1, "2.68"),  # round(2.675, 2) is 2.67: the binary value is 2.67499999999999982…
        (0.125, 2, 1, "0.13"),  # exact in binary, so this is the tie itself
        (229_505_000, 2, Decimal("1e-6"), "229.51"),  # 229,505 M€ → 229,51 M€
        (0.8049999, 0, CENT, "80"),  # below the half stays below
    ],
)
def test_half_away_from_zero_at_each_precision(value, decimales, echelle, attendu):
    assert arrondi(value, decimales, echelle) == Decimal(attendu)


def test_the_shortest_decimal_form_is_rounded_float_noise_included():
    # 0.1 + 0.2 is 0.30000000000000004: the 4e-17 only shows at the 17th decimal
    assert str(decimal_exact(0.1 + 0.2)) == "0.30000000000000004"
    assert arrondi(0.1 + 0.2, 0, CENT) == Decimal(30)
    assert arrondi(0.1 + 0.2, 16) == Decimal("0.3000000000000000")
    assert arrondi(0.1 + 0.2, 17) == Decimal("0.30000000000000004")
    # noise above a tie rounds up, noise below it rounds down: the rule reads the value, not an intention
    assert 0.2 + 0.605 == 0.8049999999999999  # the float addition itself, checked by hand
    assert arrondi(0.2 + 0.605, 0, CENT) == Decimal(80)


def test_agrees_with_decimal_half_up_on_the_literal_text():
    """Every value on a grid of ties and near-ties: the rule equals `decimal`'s ROUND_HALF_UP on `str(v)`."""
    for centiemes in range(-2000, 2001):
        for ajout in (0, 5e-5, -5e-5, 5e-3):
            v = centiemes / 1000 + ajout
            reference = (Decimal(str(v)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert arrondi(v, 1, CENT) == reference, v


def test_no_negative_zero():
    assert str(arrondi(-0.0001, 1)) == "0.0"
    assert str(arrondi(-0.0004, 1, CENT)) == "0.0"


def test_integers_are_exact_even_beyond_float_precision():
    assert arrondi(2**60 + 1) == Decimal(1152921504606846977)


def test_non_finite_values_pass_through():
    assert arrondi(float("inf"), 1).is_infinite()
    assert arrondi(float("nan"), 1).is_nan()


@pytest.mark.parametrize(
    ("bas", "haut", "attendu"),
    [
        # 8/13 (the shipped « agent joint » share): Wilson [35,52 %; 82,29 %] → 35 % and 83 %, not 36 % and 82 %
        (0.355228915126657, 0.8229029220223743, ("35", "83")),
        (0.3818972506848375, 0.6953398071159278, ("38", "70")),
        (0.30, 0.70, ("30", "70")),  # a bound that is already whole stays where it is
        (-0.30, -0.10, ("-30", "-10")),  # down is towards −∞, up towards +∞
    ],
)
def test_bounds_are_rounded_outward(bas, haut, attendu):
    assert (arrondi_bas(bas, 0, CENT), arrondi_haut(haut, 0, CENT)) == tuple(map(Decimal, attendu))


def test_outward_bounds_hold_the_value_and_stay_within_one_unit():
    for k in range(1, 400):
        v = k / 397
        exact = Fraction(repr(v)) * 100
        b, h = Fraction(arrondi_bas(v, 1, CENT)), Fraction(arrondi_haut(v, 1, CENT))
        assert b <= exact <= h and h - b <= Fraction(1, 10), v


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_property_half_up_on_the_text_and_outward_bounds(v, decimales):
    """Any float: `decimal`'s ROUND_HALF_UP on `str(v)` × 100, and the bounds on either side within one unit."""
    exact = Decimal(str(v)) * 100
    unite = Decimal(1).scaleb(-decimales)
    assert arrondi(v, decimales, CENT) == exact.quantize(unite, rounding=ROUND_HALF_UP)
    b, h = arrondi_bas(v, decimales, CENT), arrondi_haut(v, decimales, CENT)
    assert b <= exact <= h and h - b <= unite


def test_huge_values_are_rounded_and_formatted_exactly():
    from cln_analysis import formats

    # 10**30 has 31 digits, more than the default decimal context's 28: no InvalidOperation, every digit kept
    assert formats.entier(10**30) == "1\u202f" + "\u202f".join(["000"] * 10)
    assert arrondi(10**30 + 0.5) == Decimal(10**30)  # the float 1e30 is exactly 10**30
    assert (formats.entier(2.5), formats.entier(-2.5), formats.entier(0.5)) == ("3", "-3", "1")
