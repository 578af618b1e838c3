"""The figures register: every headline figure, and its reconciliation with the published text.

A figure *matches* when its value, rounded as the source document rounds it (the decimals printed,
half away from zero: the one rule of `arrondi`, which every page uses too), equals the number the
source prints. The register of published figures (`data/raw/chiffres_publies.csv`) is only ever
compared against: no calculation reads it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from .arrondi import CENT, arrondi
from .erreurs import Probleme
from .figures_csv import COLONNES

UNITES = ("EUR", "ratio", "points", "count", "score", "EUR_par_habitant", "heures", "minutes", "secondes", "erlangs")
_ID_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Chiffre:
    """One headline figure of a report."""

    figure_id: str
    report: str
    label: str
    value: float
    unit: str
    formula: str
    decimales: int | None = None  # shown with these decimals when no source prints it (not in figures.csv)

    def __post_init__(self):
        if not _ID_RE.match(self.figure_id):
            raise ValueError(f"identifiant de chiffre invalide : {self.figure_id!r}")
        if self.unit not in UNITES:
            raise ValueError(f"unité inconnue pour {self.figure_id} : {self.unit!r}")
        if self.value is None or not math.isfinite(float(self.value)):
            raise ValueError(f"valeur non finie pour {self.figure_id} : {self.value!r}")


def chiffre(figure_id: str, label: str, value: float, unit: str, formula: str, decimales: int | None = None) -> dict:
    """One headline figure as an analysis module declares it (`chiffres()`): one call, one row of figures.csv.
    `decimales`: how pages show it when no source document prints it (see `decimales_affichage`)."""
    return dict(figure_id=figure_id, label=label, value=value, unit=unit, formula=formula, decimales=decimales)


@dataclass(frozen=True)
class TextePublie:
    """A figure as printed: its number, the decimals printed and its unit sign."""

    nombre: Decimal
    decimales: int
    signe: str  # "%", "€", "M€" or ""


def interpreter(texte: str) -> TextePublie:
    """Read a printed figure: `7,3 %`, `3 058 244 €`, `229,51 M€`, `21`."""
    t = re.sub(r"[\s\u00a0\u202f]", "", texte)
    m = re.fullmatch(r"([+\-\u2212]?)(\d+)(?:,(\d+))?(%|€|M€)?", t)
    if not m:
        raise ValueError(f"chiffre publié illisible : « {texte} »")
    sign, whole, frac, unit = m.groups()
    negative = sign in ("-", "\u2212")
    number = Decimal(("-" if negative else "") + f"{whole}.{frac or '0'}")
    return TextePublie(number, len(frac or ""), unit or "")


def _echelle(signe: str) -> Decimal:
    return {"%": CENT, "M€": Decimal("1e-6")}.get(signe, Decimal(1))


def arrondi_comme(value: float, texte: str) -> Decimal:
    """`value` rounded as the printed `texte` is (same unit, same decimals, half away from zero)."""
    pub = interpreter(texte)
    return arrondi(value, pub.decimales, _echelle(pub.signe))


def statut(value: float, texte: str | None) -> str:
    """`match`, `mismatch`, or `unpublished` when there is no printed figure."""
    if not texte:
        return "unpublished"
    return "match" if arrondi_comme(value, texte) == interpreter(texte).nombre else "mismatch"


def valeur_texte(value: float) -> str:
    """Full precision, `.` decimal, no thousands separator; integers without `.0`."""
    v = float(value)
    if v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    return repr(v)


def decimales_affichage(unit: str, published: str, declarees: int | None = None) -> int | None:
    """The one precision rule of a figure, for every place it is shown (card, prose, index): the decimals
    of its published text when a source prints it, else those its module declared, else None (the
    unit's default in `formats.valeur`)."""
    if published:
        pub = interpreter(published)
        if unit != "ratio" or pub.signe == "%":
            return pub.decimales
    return declarees


#: The last word of the id of a confidence bound: such a figure is rounded outward (lower down, upper up).
BORNES = {"ic_bas": "basse", "ic_haut": "haute"}


def borne(figure_id: str) -> str | None:
    """`basse` or `haute` for the id of a confidence bound (`retours.x.ic_bas`), else None."""
    return BORNES.get(figure_id.rsplit(".", 1)[-1])


def affichage(value: float, unit: str, published: str, declarees: int | None = None,
              figure_id: str = "") -> str:
    """A figure as every page shows it: by its unit, with the precision of `decimales_affichage`, and in
    millions of euros when its source prints it so (`229,51 M€`); a confidence bound of a share
    (`borne(figure_id)`) rounded outward, as its interval is printed."""
    from . import formats  # here only: formats loads Babel, which the runner's no-change path must not

    dec = decimales_affichage(unit, published, declarees)
    sens = borne(figure_id)
    if sens and unit == "ratio":
        d = formats.decimales_valeur(value, unit, dec)
        return formats.borne_basse(value, d) if sens == "basse" else formats.borne_haute(value, d)
    if unit == "EUR" and published and interpreter(published).signe == "M€":
        return formats.millions_euros(value, dec)
    return formats.valeur(value, unit, dec)


def rapprocher(chiffres: list[Chiffre], publies: dict[str, str]):
    """The figures with their published text and status, in the columns of figures.csv (a DataFrame)."""
    import pandas as pd  # here only: the runner imports this module for the index, and must not load pandas

    rows = []
    for c in chiffres:
        texte = publies.get(c.figure_id, "")
        row = asdict(c)
        row["value"] = valeur_texte(c.value)
        row["published"] = texte
        row["status"] = statut(c.value, texte)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLONNES).sort_values("figure_id", kind="stable").reset_index(drop=True)


def publies_depuis(registre) -> dict[str, str]:
    """{figure_id: printed text} from the loaded register."""
    return dict(zip(registre["identifiant"], registre["texte_publie"], strict=True))


def verifier_registre(registre, fichier: str) -> list:
    """Problems of the register itself: a printed text that cannot be read."""
    problems = []
    for ligne, row in registre.iterrows():
        try:
            interpreter(row["texte_publie"])
        except (ValueError, InvalidOperation):
            problems.append(
                Probleme(
                    fichier,
                    f"« {row['texte_publie']} » n'est pas un chiffre lisible",
                    ligne=ligne,
                    colonne="texte_publie",
                    conseil="écrivez-le comme le document : 7,3 %, 3 058 244 €, 229,51 M€, 21",
                )
            )
    return problems
