"""French formatting of numbers, amounts, shares and dates, by Babel with locale fr_FR."""

from __future__ import annotations

import datetime as dt
import math
import re

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

from .config import LOCALE

_LOCALE = Locale.parse(LOCALE)
_PERCENT = _LOCALE.percent_formats[None].pattern  # '#,##0 %'
_CURRENCY = _LOCALE.currency_formats["standard"].pattern  # '#,##0.00 ¤'
_DECIMAL = _LOCALE.decimal_formats[None].pattern  # '#,##0.###'


def _with_decimals(pattern: str, decimals: int) -> str:
    """The locale's Babel pattern with exactly `decimals` fraction digits, affixes kept."""
    prefix, integer, suffix = re.match(r"^([^#0,]*)([#,0]+)(?:\.[0#]+)?(.*)$", pattern).groups()
    return prefix + integer + ("." + "0" * decimals if decimals > 0 else "") + suffix


def est_manquant(value: object) -> bool:
    """True for a missing value: None, NaN or pandas' NA (the one test of the package)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas' NA: its comparison is NA, whose truth value is ambiguous
        return True


def nombre(value: float, decimales: int = 0) -> str:
    """`98 953`, `2,5` — a number with a fixed count of decimals."""
    return format_decimal(value, format=_with_decimals(_DECIMAL, decimales), locale=LOCALE)


def entier(value: float) -> str:
    """`98 953` — a count."""
    return nombre(round(value), 0)


def euros(value: float, decimales: int = 0) -> str:
    """`3 058 244 €` (or `134 522,50 €` with decimales=2)."""
    return format_currency(
        value, "EUR", format=_with_decimals(_CURRENCY, decimales), locale=LOCALE, currency_digits=False
    )


def euros_auto(value: float) -> str:
    """Euros with cents only when the amount has some (`53 809 €`, `134 522,50 €`)."""
    cents = round(value * 100) % 100
    return euros(value, 2 if cents else 0)


def millions_euros(value: float, decimales: int = 2) -> str:
    """`229,51 M€`."""
    return format_compact_currency(value, "EUR", locale=LOCALE, fraction_digits=decimales)


def pourcentage(ratio: float, decimales: int = 1) -> str:
    """`7,3 %` from the ratio 0.0731…"""
    return format_percent(ratio, format=_with_decimals(_PERCENT, decimales), locale=LOCALE)


def evolution(ratio: float, decimales: int = 1) -> str:
    """`−2,9 %` / `+5,0 %` — a signed change, with a true minus sign."""
    text = pourcentage(abs(ratio), decimales)
    if math.isclose(ratio, 0.0, abs_tol=0.5 * 10 ** -(decimales + 2)):
        return text
    return ("+" if ratio > 0 else "\u2212") + text


def points(ratio_difference: float, decimales: int = 1) -> str:
    """A difference of two shares, in percentage points (`+7 points`)."""
    value = ratio_difference * 100
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    unit = "point" if abs(round(value, decimales)) < 2 else "points"
    return f"{sign}{nombre(abs(value), decimales)}\u00a0{unit}"


def pluriel(n: float, singulier: str, pluriel_: str, zero: str | None = None) -> str:
    """`14 chiffres conformes`, `1 écart`, `0 écart` (or `zero`, e.g. « aucun écart ») — the count and its
    noun phrase, agreed by the locale's plural rule (French: 0 and 1 are singular)."""
    if n == 0 and zero is not None:
        return zero
    return f"{entier(n) if float(n).is_integer() else nombre(n, 1)} {accord(n, singulier, pluriel_)}"


def accord(n: float, singulier: str, pluriel_: str) -> str:
    """The noun phrase alone, agreed with `n` (`point bloquant` for 0 or 1, `points bloquants` for 2)."""
    return singulier if _LOCALE.plural_form(abs(n)) == "one" else pluriel_


def date_longue(value: dt.date | dt.datetime) -> str:
    """`31 janvier 2026`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="long", locale=LOCALE)


def date_heure(value: dt.datetime) -> str:
    """`21 novembre 2026 à 19:34:05`."""
    return format_datetime(value, format="d MMMM y 'à' HH:mm:ss", locale=LOCALE)


def duree(seconds: float) -> str:
    """`3,2 s`."""
    return nombre(seconds, 1) + "\u00a0s"


def valeur(value: float, unit: str, decimales: int | None = None) -> str:
    """A figure formatted by its unit in figures.csv (EUR, ratio, count, score, EUR_par_habitant)."""
    if unit == "ratio":
        return pourcentage(value, 1 if decimales is None else decimales)
    if unit in ("EUR", "EUR_par_habitant"):
        text = euros(value, 2 if decimales is None and unit == "EUR_par_habitant" else (decimales or 0))
        return text + (" par habitant" if unit == "EUR_par_habitant" else "")
    if unit == "count":
        return (
            entier(value)
            if float(value).is_integer() or decimales == 0
            else nombre(value, 1 if decimales is None else decimales)
        )
    if unit == "minutes":
        return nombre(value, 1 if decimales is None else decimales) + "\u00a0min"
    if unit == "secondes":
        return nombre(value, 0 if decimales is None else decimales) + "\u00a0s"
    if unit == "erlangs":
        return nombre(value, 2 if decimales is None else decimales) + (
            "\u00a0erlangs" if value >= 2 else "\u00a0erlang"
        )
    if unit == "heures":
        return nombre(value, 0 if decimales is None else decimales) + "\u00a0h"
    return nombre(value, 2 if decimales is None else decimales)


def mois(periode: str) -> str:
    """`avril 2026` from the period `2026-04` (a year `2025` stays `2025`)."""
    if len(periode) != 7:
        return periode
    return format_date(dt.date(int(periode[:4]), int(periode[5:7]), 1), format="MMMM y", locale=LOCALE)


def liste_mois(periodes: list[str]) -> str:
    """`avril à juin 2026` for consecutive months of one year, else `janvier, mars et avril 2026`."""
    if not periodes:
        return ""
    periodes = sorted(periodes)
    years = {p[:4] for p in periodes}
    if len(years) > 1:
        return ", ".join(mois(p) for p in periodes[:-1]) + " et " + mois(periodes[-1])
    names = [format_date(dt.date(int(p[:4]), int(p[5:7]), 1), format="MMMM", locale=LOCALE) for p in periodes]
    numbers = [int(p[5:7]) for p in periodes]
    if len(names) == 1:
        text = names[0]
    elif len(names) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        text = f"{names[0]} à {names[-1]}"
    else:
        text = ", ".join(names[:-1]) + " et " + names[-1]
    return f"{text} {periodes[0][:4]}"


def attente(seconds: float) -> str:
    """A waiting time in words: `moins d'une seconde`, `12 s`, `4,7 min`."""
    if math.isinf(seconds):
        return "sans limite (file qui ne se vide jamais)"
    if seconds < 1:
        return "moins d'une seconde"
    if seconds < 60:
        return nombre(seconds, 0) + "\u00a0s"
    return nombre(seconds / 60, 1) + "\u00a0min"
