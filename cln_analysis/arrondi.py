"""The one rounding rule of every figure shown, and of its reconciliation (a leaf: no Babel, no pandas).

A value is rounded on its shortest decimal form — the digits `repr` prints for a float, so that
`0.805` is 0,805 and not the binary 0.80500000000000004884… — scaled exactly in decimal arithmetic
(a share × 100 for a percentage), to the decimals shown, half away from zero: « la fraction égale à
0,50 est comptée pour 1 » (CGI, art. 1724), `decimal.ROUND_HALF_UP`. Babel (half to even) and
Python's `round` (half to even on the binary value) never round a displayed figure: `formats` hands
Babel a Decimal already rounded here, which its own quantisation leaves as it is.

A confidence interval is rounded outward, so that the printed interval always contains the computed
one: its lower bound down (`ROUND_FLOOR`), its upper bound up (`ROUND_CEILING`).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from numbers import Integral

CENT = Decimal(100)  # the scale of a share printed as a percentage


def decimal_exact(value: float | int | Decimal) -> Decimal:
    """The shortest decimal form of `value` (`0.1 + 0.2` → `0.30000000000000004`); NaN and infinities kept."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Integral):  # Python and numpy integers alike are exact: no float on the way
        return Decimal(int(value))
    return Decimal(repr(float(value)))


@lru_cache(maxsize=256)
def _contexte(prec: int) -> Context:
    return Context(prec=prec)


@lru_cache(maxsize=64)
def _echelle(echelle: Decimal | int) -> tuple[Decimal, int]:
    """(the scale as a Decimal, the digits it adds to a product)."""
    e = Decimal(echelle)
    return e, len(e.as_tuple().digits) + max(e.adjusted(), 0)


@lru_cache(maxsize=64)
def _pas(decimales: int) -> Decimal:
    return Decimal(1).scaleb(-decimales)


def _quantifier(value, decimales: int, echelle: Decimal | int, mode: str) -> Decimal:
    v, (e, chiffres_e) = decimal_exact(value), _echelle(echelle)
    if not v.is_finite():
        return v * e
    # exact whatever the size (10**30 has more digits than the default 28); a float's shortest form has at most
    # 17 digits (an upper bound of the precision changes no exact result, and saves counting them)
    chiffres_v = 17 if isinstance(value, float) else len(v.as_tuple().digits)
    ctx = _contexte(max(28, chiffres_v + chiffres_e + max(v.adjusted(), 0) + abs(decimales) + 2))
    rounded = ctx.multiply(v, e).quantize(_pas(decimales), rounding=mode, context=ctx)
    return rounded.copy_abs() if rounded == 0 else rounded  # never « −0 »


def arrondi(value: float | Decimal, decimales: int = 0, echelle: Decimal | int = 1) -> Decimal:
    """`value` × `echelle` at `decimales` decimals, half away from zero on its shortest decimal form
    (`arrondi(0.805, 0, CENT)` → `81`, `arrondi(-2.5)` → `-3`)."""
    return _quantifier(value, decimales, echelle, ROUND_HALF_UP)


def arrondi_bas(value: float | Decimal, decimales: int = 0, echelle: Decimal | int = 1) -> Decimal:
    """The lower bound of an interval, rounded down (`arrondi_bas(0.355, 0, CENT)` → `35`)."""
    return _quantifier(value, decimales, echelle, ROUND_FLOOR)


def arrondi_haut(value: float | Decimal, decimales: int = 0, echelle: Decimal | int = 1) -> Decimal:
    """The upper bound of an interval, rounded up (`arrondi_haut(0.8231, 0, CENT)` → `83`)."""
    return _quantifier(value, decimales, echelle, ROUND_CEILING)
