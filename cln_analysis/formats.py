"""French formatting of numbers, amounts, shares and dates, by Babel with locale fr_FR."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal, localcontext
from numbers import Integral

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

from .arrondi import CENT, arrondi, arrondi_bas, arrondi_haut
from .config import LOCALE

_LOCALE = Locale.parse(LOCALE)
_PERCENT = _LOCALE.percent_formats[None].pattern  # '#,##0 %'
_CURRENCY = _LOCALE.currency_formats["standard"].pattern  # '#,##0.00 ¤'
_DECIMAL = _LOCALE.decimal_formats[None].pattern  # '#,##0.###'
_GROUPE, _VIRGULE, _MOINS = (get_group_symbol(locale=LOCALE), get_decimal_symbol(locale=LOCALE),
                             get_minus_sign_symbol(locale=LOCALE))
_SUFFIXE_EUROS = "\u00a0" + get_currency_symbol("EUR", locale=LOCALE)
#: The locale's patterns are those of fr_FR (groups of three, the symbol after a no-break space): a number
#: already rounded is then written without Babel, as Babel writes it (`test_formats` compares them), 20 times
#: faster (a workbook of 25 000 budget lines formats 100 000 amounts).
_DIRECT = (_DECIMAL == "#,##0.###" and _CURRENCY == "#,##0.00\u00a0¤" and _PERCENT == "#,##0\u00a0%"
           and _LOCALE.decimal_formats[None].grouping == _LOCALE.currency_formats["standard"].grouping
           == _LOCALE.percent_formats[None].grouping == (3, 3))


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


# Every number below is rounded by `arrondi` (half away from zero on its shortest decimal form) before
# Babel sees it: Babel gets a Decimal that already has the pattern's decimals, so its own quantisation
# (half to even, in the current decimal context) has nothing left to round.


def _direct(d: Decimal, decimales: int) -> str | None:
    """The digits of `d`, already rounded to `decimales` decimals, as Babel writes them in the locale (groups of
    three, decimal comma, its minus sign); None when Babel must write them (another locale, an infinity, a
    Decimal that does not have exactly those decimals)."""
    if not _DIRECT or not d.is_finite() or (decimales >= 0 and d.as_tuple().exponent != -decimales):
        return None
    entiers, _, decimaux = format(d.copy_abs(), "f").partition(".")
    groupes = f"{int(entiers):,}".replace(",", _GROUPE)
    return (_MOINS if d.is_signed() else "") + groupes + (_VIRGULE + decimaux if decimaux else "")


def nombre(value: float, decimales: int = 0) -> str:
    """`98 953`, `2,5` — a number with a fixed count of decimals."""
    if decimales == 0 and _DIRECT and isinstance(value, Integral):  # a count: what `_direct` writes of it
        n = int(value)
        return (_MOINS if n < 0 else "") + f"{abs(n):,}".replace(",", _GROUPE)
    d = arrondi(value, decimales)
    direct = _direct(d, decimales)
    if direct is not None:
        return direct
    with localcontext() as ctx:
        ctx.prec = _chiffres(d)
        return format_decimal(d, format=_with_decimals(_DECIMAL, decimales), locale=LOCALE)


def _chiffres(d: Decimal) -> int:
    """The precision of a decimal context that holds every digit of `d` (Babel quantises in the current one)."""
    return max(28, len(d.as_tuple().digits) + 4) if d.is_finite() else 28


def entier(value: float) -> str:
    """`98 953` — a count (`2,5` → `3`)."""
    return nombre(value, 0)


def entiers(valeurs: Sequence[int]) -> list[str]:
    """`entier` of each of many Python integers (a long table's 25 000 line numbers), each written as `nombre`
    writes a count, without a call per value; `entier` each when Babel must write them."""
    if not _DIRECT:
        return [entier(v) for v in valeurs]
    if not valeurs:
        return []
    # one replacement over all of them (none holds the separator « ; »)
    return ";".join([f"{n:,}" for n in valeurs]).replace(",", _GROUPE).replace("-", _MOINS).split(";")


def euros(value: float, decimales: int = 0) -> str:
    """`3 058 244 €` (or `134 522,50 €` with decimales=2)."""
    d = arrondi(value, decimales)
    direct = _direct(d, decimales)
    if direct is not None:
        return direct + _SUFFIXE_EUROS
    with localcontext() as ctx:
        ctx.prec = _chiffres(d)
        return format_currency(d, "EUR", format=_with_decimals(_CURRENCY, decimales), locale=LOCALE,
                               currency_digits=False)


def euros_auto(value: float) -> str:
    """Euros with cents only when the amount, rounded to the cent, has some (`53 809 €`, `134 522,50 €`)."""
    au_centime = arrondi(value, 2)
    return euros(au_centime if au_centime % 1 else value, 2 if au_centime % 1 else 0)


def millions_euros(value: float, decimales: int = 2) -> str:
    """`229,51 M€`."""
    millions = arrondi(value, decimales, Decimal("1e-6"))
    return format_compact_currency(millions.scaleb(6), "EUR", locale=LOCALE, fraction_digits=decimales)


def pourcentage(ratio: float, decimales: int = 1) -> str:
    """`7,3 %` from the ratio 0.0731… (`0,805` → `81 %` with no decimal)."""
    return _pour_cent(arrondi(ratio, decimales, CENT), decimales)


def _pour_cent(pour_cent: Decimal, decimales: int) -> str:
    """A percentage already rounded (`81` → `81 %`): Babel scales the ratio back by 100, exactly."""
    direct = _direct(pour_cent, decimales)
    if direct is not None:
        return direct + "\u00a0%"
    with localcontext() as ctx:
        ctx.prec = _chiffres(pour_cent)
        return format_percent(pour_cent.scaleb(-2), format=_with_decimals(_PERCENT, decimales), locale=LOCALE)


def _signe(arrondie: Decimal | float) -> str:
    """The sign of a rounded change: `+`, a true minus sign (U+2212), or none when it rounds to zero."""
    return "+" if arrondie > 0 else ("\u2212" if arrondie < 0 else "")


def evolution(ratio: float, decimales: int = 1) -> str:
    """`−2,9 %` / `+5,0 %` — a signed change, with a true minus sign (none when it rounds to zero)."""
    rounded = arrondi(ratio, decimales, CENT)
    return _signe(rounded) + _pour_cent(abs(rounded), decimales)


def ecart_euros(value: float, decimales: int = 0) -> str:
    """`+5 320 €` / `−49 568 €` — a signed difference of amounts, with a true minus sign as `evolution` writes it
    (none when it rounds to zero)."""
    rounded = arrondi(value, decimales)
    return _signe(rounded) + euros(abs(rounded), decimales)


def points(ratio_difference: float, decimales: int = 1) -> str:
    """A difference of two shares, in percentage points (`+7 points`; no sign when it rounds to zero)."""
    value = arrondi(ratio_difference, decimales, CENT)
    unit = "point" if abs(value) < 2 else "points"
    return f"{_signe(value)}{nombre(abs(value), decimales)}\u00a0{unit}"


def decimales_exactes(values, echelle: Decimal | int = 1, minimum: int = 0, maximum: int = 2) -> int:
    """The fewest decimals, from `minimum` to `maximum`, that print every value exactly (scaled by
    `echelle`): chart ticks at 0, 2,5 and 5 % need one, so that no tick is rounded to a wrong label."""
    exactes = [arrondi(v, 9, echelle) for v in values if not est_manquant(v) and math.isfinite(v)]
    return next(
        (d for d in range(minimum, maximum) if all(arrondi(x, d) == x for x in exactes)), max(minimum, maximum)
    )


def intervalle(bas: float, haut: float, decimales: int = 0) -> tuple[str, str]:
    """(`35 %`, `83 %`): a confidence interval of a share, printed outward so that it holds the computed
    one — the lower bound rounded down, the upper bound up, both kept within 0–100 %."""
    return borne_basse(bas, decimales), borne_haute(haut, decimales)


def borne_basse(ratio: float, decimales: int = 0) -> str:
    """`35 %` from 0.3552: the lower bound of a share's interval, rounded down (a table column's format)."""
    return _pour_cent(_borne(arrondi_bas(ratio, decimales, CENT)), decimales)


def borne_haute(ratio: float, decimales: int = 0) -> str:
    """`83 %` from 0.8229: the upper bound of a share's interval, rounded up (a table column's format)."""
    return _pour_cent(_borne(arrondi_haut(ratio, decimales, CENT)), decimales)


def _borne(pour_cent: Decimal) -> Decimal:
    """A bound of a share kept within 0–100 % (float noise must not print « 101 % »)."""
    return min(CENT, max(Decimal(0), pour_cent))


def bornes_arrondies(bas: float, haut: float, decimales: int = 0) -> tuple[float, float]:
    """The two bounds of `intervalle` as ratios (`0.35`, `0.83`): what a workbook or CSV holds, so that
    a cell shows the page's interval whatever its number format (Excel cannot round outward)."""
    return (float(_borne(arrondi_bas(bas, decimales, CENT)).scaleb(-2)),
            float(_borne(arrondi_haut(haut, decimales, CENT)).scaleb(-2)))


_ESPACES = re.compile(r"[\s\u00a0\u202f]")
_SANS_GROUPES = str.maketrans("", "", " \u00a0\u202f")  # the spaces a number's groups are written with
_NOMBRE_TEXTE = re.compile(r"([+-]?\d+(?:,\d+)?)(%|€)?")


def nombre_du_texte(texte: str) -> float | None:
    """The number a French formatted text shows, in the unit of the value it came from (`35 %` → 0.35,
    `3 058 244 €` → 3058244.0, `−2,9 %` → −0.029), None for words: a workbook cell that holds what its
    page prints, whichever rule (nearest, outward) printed it."""
    chiffres = str(texte).translate(_SANS_GROUPES)
    if chiffres.isascii() and chiffres.isdigit():  # a count (« 12 345 »): what the pattern below reads of it
        return float(chiffres)
    t = _ESPACES.sub("", str(texte)).replace("\u2212", "-")
    m = _NOMBRE_TEXTE.fullmatch(t)
    if not m:
        return None
    d = Decimal(m.group(1).replace(",", "."))
    return float(d.scaleb(-2) if m.group(2) == "%" else d)


def pluriel(n: float, singulier: str, pluriel_: str, zero: str | None = None) -> str:
    """`14 chiffres conformes`, `1 écart`, `0 écart` (or `zero`, e.g. « aucun écart ») — the count and its
    noun phrase, agreed by the locale's plural rule (French: 0 and 1 are singular)."""
    if n == 0 and zero is not None:
        return zero
    return f"{entier(n) if float(n).is_integer() else nombre(n, 1)} {accord(n, singulier, pluriel_)}"


def accord(n: float, singulier: str, pluriel_: str) -> str:
    """The noun phrase alone, agreed with `n` (`point bloquant` for 0 or 1, `points bloquants` for 2)."""
    return singulier if _LOCALE.plural_form(abs(n)) == "one" else pluriel_


def _jour(value: dt.date) -> str:
    """The day of the month as French writes it in a date: `1er` for the first, `2`, … `31` for the others."""
    return "1er" if value.day == 1 else str(value.day)


def date_longue(value: dt.date | dt.datetime) -> str:
    """`31 janvier 2026`, `1er décembre 2026`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return _jour(value) + format_date(value, format=" MMMM y", locale=LOCALE)


def date_heure(value: dt.datetime) -> str:
    """`21 novembre 2026 à 19:34:05`, `1er décembre 2026 à 08:00:00`."""
    return _jour(value) + format_datetime(value, format=" MMMM y 'à' HH:mm:ss", locale=LOCALE)


def duree(seconds: float) -> str:
    """`3,2 s`."""
    return nombre(seconds, 1) + "\u00a0s"


_DECIMALES_UNITE = {"ratio": 1, "points": 1, "EUR": 0, "EUR_par_habitant": 2, "count": 1, "minutes": 1,
                    "secondes": 0, "erlangs": 2, "heures": 0}  # the default decimals of a unit; any other (score): 2
_SUFFIXES = {"EUR_par_habitant": " par habitant", "minutes": "\u00a0min", "secondes": "\u00a0s", "heures": "\u00a0h"}


def decimales_valeur(value: float, unit: str, decimales: int | None = None) -> int:
    """The decimals `valeur` shows: `decimales`, else the unit's default; a whole count has none."""
    if unit == "count" and (float(value).is_integer() or decimales == 0):
        return 0
    if decimales is None:
        return _DECIMALES_UNITE.get(unit, 2)
    return decimales


#: The units of a duration: a figure in them reads by `attente`'s one rule, to the second.
DUREES = {"secondes": 1, "minutes": 60}


def valeur(value: float, unit: str, decimales: int | None = None) -> str:
    """A figure formatted by its unit in figures.csv (EUR, ratio, count, score, EUR_par_habitant; `points`, the
    difference of two ratios, signed as the pages print a change); a duration (`DUREES`) by `attente`, whatever its
    decimals."""
    if unit in DUREES:
        return attente(value * DUREES[unit])
    d = decimales_valeur(value, unit, decimales)
    if unit == "ratio":
        return pourcentage(value, d)
    if unit == "points":
        return points(value, d)
    if unit in ("EUR", "EUR_par_habitant"):
        return euros(value, d) + _SUFFIXES.get(unit, "")
    if unit == "erlangs":
        return nombre(value, d) + ("\u00a0erlangs" if arrondi(value, d) >= 2 else "\u00a0erlang")
    return nombre(value, d) + _SUFFIXES.get(unit, "")


def valeur_arrondie(value: float, unit: str, decimales: int | None = None) -> float:
    """The number `valeur` prints, in the figure's own unit (a ratio stays a ratio: `0,805` shown `81 %`
    → `0.81`): what a workbook or CSV for Excel holds where it shows the page's precision, so that its
    cell and the page never differ whatever number format the cell has."""
    if unit in DUREES:  # shown to the second
        return float(arrondi(value * DUREES[unit], 0)) / DUREES[unit] if math.isfinite(value) else value
    d = decimales_valeur(value, unit, decimales)
    return float(arrondi(value, d + 2) if unit in ("ratio", "points") else arrondi(value, d))


def mois(periode: str) -> str:
    """`avril 2026` from the period `2026-04` (a year `2025` stays `2025`)."""
    if len(periode) != 7:
        return periode
    return format_date(dt.date(int(periode[:4]), int(periode[5:7]), 1), format="MMMM y", locale=LOCALE)


def liste(mots: list[str]) -> str:
    """`budget, cvs et appels`: words joined as French writes a list (Babel's `format_list`)."""
    return format_list([str(m) for m in mots], locale=LOCALE)


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


def phrase(texte: str) -> str:
    """`texte` as the start of a sentence, a list item or a table cell: its first letter upper-case, the rest
    as it is (« non mesurable : la colonne « x » manque » → « Non mesurable : … »)."""
    texte = str(texte)
    return texte[:1].upper() + texte[1:]


def attente(seconds: float) -> str:
    """A waiting time, by the one rule every page, table, workbook and figure of a duration follows: rounded to
    the second (half away from zero), then `moins d'une seconde`, `45 s`, `1 min 20 s`, `10 min`, `75 min 5 s`
    (minutes beyond the hour: a wait is read in minutes). The exact seconds are kept, so that the text is the
    figure at the second whatever its size."""
    if math.isnan(seconds):
        return "—"
    if math.isinf(seconds):
        return "sans limite (file qui ne se vide jamais)"
    s = int(arrondi(seconds, 0))
    if s < 1:
        return "moins d'une seconde"
    minutes, reste = divmod(s, 60)
    if not minutes:
        return f"{reste}\u00a0s"
    return entier(minutes) + "\u00a0min" + (f"\u00a0{reste}\u00a0s" if reste else "")
