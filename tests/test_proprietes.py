"""Property-based tests (Hypothesis) of the computations."""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cln_analysis import budget, grille, registre

montants = st.integers(min_value=1, max_value=10**10)


@given(st.tuples(montants, montants, montants, montants))
def test_budget_shares_stay_in_bounds_and_add_up(v):
    n_inv, n_fon = v[0], v[1]
    t_inv, t_fon = n_inv + v[2], n_fon + v[3]  # a part never exceeds its total
    df = pd.DataFrame({"annee": [2025, 2025], "section": ["investissement", "fonctionnement"],
                       "budget_numerique": [n_inv, n_fon], "budget_total": [t_inv, t_fon]},
                      index=pd.Index([2, 3], name="ligne"))
    t = budget.parts(df, 2025).set_index("section")
    assert ((t["part_numerique"] >= 0) & (t["part_numerique"] <= 1)).all()
    assert (
        abs(t.loc["investissement", "poids_dans_numerique"] + t.loc["fonctionnement", "poids_dans_numerique"] - 1)
        < 1e-12
    )
    assert abs(t.loc["investissement", "poids_dans_total"] + t.loc["fonctionnement", "poids_dans_total"] - 1) < 1e-12
    lo = min(t.loc["investissement", "part_numerique"], t.loc["fonctionnement", "part_numerique"])
    hi = max(t.loc["investissement", "part_numerique"], t.loc["fonctionnement", "part_numerique"])
    assert lo - 1e-12 <= t.loc["total", "part_numerique"] <= hi + 1e-12


scores = st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=1, max_size=40)
panels = st.lists(scores, min_size=1, max_size=4).map(
    lambda cols: pd.DataFrame({f"c{i}": pd.Series(c, dtype=float) for i, c in enumerate(cols)})
)


@settings(max_examples=60, deadline=None)
@given(panels, st.randoms())
def test_grid_statistics_do_not_depend_on_member_order(panel, rnd):
    order = list(range(len(panel)))
    rnd.shuffle(order)
    a = grille.statistiques(panel)
    b = grille.statistiques(panel.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=40), st.integers(1, 5))
def test_adding_abstentions_changes_no_median(values, extra):
    base = pd.DataFrame({"c": pd.Series(values, dtype=float)})
    more = pd.concat([base, pd.DataFrame({"c": [np.nan] * extra})], ignore_index=True)
    a, b = grille.statistiques(base).loc["c"], grille.statistiques(more).loc["c"]
    assert a["mediane"] == b["mediane"] and a["q1"] == b["q1"] and a["consensus"] == b["consensus"]
    assert b["abstentions"] == a["abstentions"] + extra


@given(st.lists(st.integers(0, 4), min_size=1, max_size=30))
def test_consensus_between_zero_and_one(values):
    c = grille.statistiques(pd.DataFrame({"c": pd.Series(values, dtype=float)})).loc["c", "consensus"]
    assert -1e-12 <= c <= 1 + 1e-12


def _pourcentage_a_la_main(ratio: float, decimals: int) -> str:
    """The percentage a person writes, by integer arithmetic on the shortest decimal form of `ratio` (not the
    module's Decimal quantize): units of 10**-decimals percent, half rounded up (all values here are >= 0)."""
    exact = Fraction(repr(ratio)) * 100 * 10**decimals
    unites = math.floor(exact + Fraction(1, 2))
    entier, reste = divmod(unites, 10**decimals)
    return (f"{entier},{reste:0{decimals}d}" if decimals else f"{entier}") + " %"


def test_hand_rounding_of_the_test_is_right_at_the_half():
    assert _pourcentage_a_la_main(0.805, 0) == "81 %"  # 80,5 % printed by a source as 81 %
    assert _pourcentage_a_la_main(0.0725, 1) == "7,3 %"
    assert _pourcentage_a_la_main(0.07249, 1) == "7,2 %"
    assert _pourcentage_a_la_main(0.5, 2) == "50,00 %"


@given(st.integers(0, 10**7), st.integers(1, 10**7), st.integers(0, 2))
def test_reconciliation_agrees_with_hand_rounding(num, den, decimals):
    ratio = num / den
    text = _pourcentage_a_la_main(ratio, decimals)
    assert registre.statut(ratio, text) == "match"
    unites = int(text.replace(" %", "").replace(",", ""))
    off = str(unites + 1).rjust(decimals + 1, "0")
    off = (off[:-decimals] + "," + off[-decimals:] if decimals else off) + " %"
    assert registre.statut(ratio, off) == "mismatch"
