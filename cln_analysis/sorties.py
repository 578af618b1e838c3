"""What crosses a process boundary, typed: what a notebook hands the runner, and what the runner records.

`Sorties` is what `Rapport.publier()` displays under `MIME` (the kernel writes no file); `EtatRapport` is one
report's record in `build/etat.json`. Both are (de)serialised here and only here (`vers_json` / `depuis_json`),
so `publication`, `executeur` and `etat` read attributes, never keys. Nothing here imports pandas.
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from dataclasses import asdict, dataclass, field, fields

#: MIME type of the display by which a notebook hands its outputs to the runner.
MIME = "application/vnd.cln-analysis.sorties+json"
#: MIME type of the display that names, instead, the file of the run's folder holding that text (`remise`).
MIME_REMISE = "application/vnd.cln-analysis.remise+json"

def _encoder(donnees: dict) -> str:
    from jupyter_client.session import json_packer  # imported by the kernel already

    return json_packer(donnees).decode("utf-8", errors="surrogateescape")


COLONNES_FIGURES = ("figure_id", "report", "label", "value", "unit", "formula", "published", "status")


def _en_entiers(codes: list) -> list[array]:
    """Each column of `codes` as 32-bit integers (`array('i')`): an array kept as it is (a column two tables share
    stays one), any other sequence converted once. FormeInvalide for a code that is not such an integer."""
    if any(isinstance(c, (bytes, bytearray, str)) for c in codes):  # array() would take their bytes as integers
        raise FormeInvalide("codes de forme inattendue")
    try:
        return [c if isinstance(c, array) and c.typecode == "i" else array("i", c) for c in codes]
    except (TypeError, ValueError, OverflowError):
        raise FormeInvalide("codes de forme inattendue") from None


def _hors_de(codes: array, n: int) -> bool:
    """Whether a column's codes name a value outside its `n` distinct ones (below 0, or n and above): numpy's
    minimum and maximum over the array's bytes, not a Python loop over a large city's 25 000 integers (0,5 ms a
    column, 28 columns each side of a hand-over)."""
    if not len(codes):
        return False
    import numpy as np  # loaded already wherever a coded table is made or read (the kernel, the runner's reader)

    valeurs = np.frombuffer(codes, dtype=np.intc)
    return bool(valeurs.min() < 0 or valeurs.max() >= n)


def _codes_vers_json(codes: list[array] | None, faits: dict[int, int], reserve: list[str]) -> list[int] | None:
    """A long table's codes, each column as the index, in `reserve` (the hand-over's `codes`), of the base64 of its
    32-bit little-endian integers: 25 000 budget lines' 350 000 codes are encoded and parsed as 14 strings, not as
    350 000 JSON numbers (a tenth of a second each way), and a column two tables share (a long sheet's codes are its
    long table's arrays) is written once. `faits`: the columns encoded already, by identity."""
    if codes is None:
        return None
    out = []
    for colonne in codes:
        if id(colonne) not in faits:
            entiers = colonne  # 32-bit integers already (`_en_entiers`), written little-endian
            if sys.byteorder == "big":
                entiers = array("i", colonne)
                entiers.byteswap()
            faits[id(colonne)] = len(reserve)
            reserve.append(base64.b64encode(entiers.tobytes()).decode("ascii"))
        out.append(faits[id(colonne)])
    return out


def _codes_depuis_json(codes: object, reserve: object, lus: dict[int, array]) -> list | None:
    """`_codes_vers_json` read back, each column of `reserve` once (`lus`, by index); a column may also be a JSON
    list of integers. FormeInvalide otherwise (an index out of `reserve`, a text that is not whole 32-bit integers
    in base64)."""
    if codes is None:
        return None
    if not isinstance(codes, list) or not isinstance(reserve, list):
        raise FormeInvalide("codes de forme inattendue")
    out = []
    for colonne in codes:
        if isinstance(colonne, list):
            out.append(colonne)
            continue
        if isinstance(colonne, bool) or not isinstance(colonne, int) or not 0 <= colonne < len(reserve) \
                or not isinstance(reserve[colonne], str):
            raise FormeInvalide("codes de forme inattendue")
        if colonne not in lus:
            entiers = array("i")
            try:
                entiers.frombytes(base64.b64decode(reserve[colonne], validate=True))
            except (binascii.Error, ValueError):  # not base64, or not whole 32-bit integers
                raise FormeInvalide("codes de forme inattendue") from None
            if sys.byteorder == "big":
                entiers.byteswap()
            lus[colonne] = entiers
        out.append(lus[colonne])
    return out


class FormeInvalide(ValueError):
    """A payload or a record that does not have the expected shape."""


@dataclass(frozen=True)
class Entree:
    """An input file a report read: where, what for, how it was read, and its SHA-256."""

    chemin: str
    role: str
    sha256: str
    lecture: str = ""


@dataclass(frozen=True)
class LigneFigure:
    """One row of figures.csv (a headline figure reconciled against the published register)."""

    figure_id: str
    report: str
    label: str
    value: float
    unit: str
    formula: str
    published: str
    status: str  # "match", "mismatch", "unpublished"

    def ligne(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Feuille:
    """One sheet of a report's workbook: French headers, numbers as numbers, their Excel formats."""

    legende: str
    colonnes: list[str]
    formats: list[str | None]
    lignes: list[list[object]] = field(default_factory=list)
    #: a long sheet (every digital budget line of a large city), coded as its page's long table is: each column's
    #: distinct cells (None for an empty one) and, for each row, the index of its cell (32-bit integers, `array('i')`;
    #: a list given is converted); `lignes` is then empty
    distinctes: list[list[object]] | None = None
    codes: list[array] | None = None

    def __post_init__(self) -> None:
        if self.codes is None and self.distinctes is None:
            return
        if self.codes is not None:
            object.__setattr__(self, "codes", _en_entiers(self.codes))  # frozen: set once, here
        if self.codes is None or self.distinctes is None or self.lignes or not (
                len(self.colonnes) == len(self.formats) == len(self.distinctes) == len(self.codes)) \
                or len({len(c) for c in self.codes}) > 1 \
                or any(_hors_de(c, len(d)) for c, d in zip(self.codes, self.distinctes, strict=True)):
            raise FormeInvalide("feuille codée de forme inattendue")

    @property
    def nombre_de_lignes(self) -> int:
        if self.codes is None:
            return len(self.lignes)
        return len(self.codes[0]) if self.codes else 0

    def rangees(self) -> list[list[object]]:
        """Every row of the sheet, a coded one expanded."""
        if self.codes is None:
            return self.lignes
        colonnes = [[d[k] for k in c] for d, c in zip(self.distinctes, self.codes, strict=True)]
        return [list(r) for r in zip(*colonnes, strict=True)] if colonnes else []


@dataclass(frozen=True)
class TableauLong:
    """A page table too long for the notebook's output (every digital budget line of a large city: tens of
    thousands of rows): the kernel hands its French texts, each column as its distinct texts and one code per row,
    and leaves a placeholder (`marque`) on the page; the runner writes the table there once nbconvert is done."""

    legende: str
    colonnes: list[str]  # the French column titles
    numeriques: list[bool]  # per column: right-aligned numbers
    textes: list[list[str]]  # per column: its distinct cell texts, as the page shows them (unescaped)
    codes: list[array]  # per column: for each row, the index of its text in `textes` (`array('i')`; a list given is
    # converted)
    entete_ligne: bool = True  # the first column heads its row

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", _en_entiers(self.codes))  # frozen: set once, here
        n = {len(c) for c in self.codes}
        if not (len(self.colonnes) == len(self.numeriques) == len(self.textes) == len(self.codes)) or len(n) > 1 \
                or any(_hors_de(c, len(t)) for c, t in zip(self.codes, self.textes, strict=True)):
            raise FormeInvalide("tableau long de forme inattendue")

    @property
    def lignes(self) -> int:
        return len(self.codes[0]) if self.codes else 0

    @staticmethod
    def marque(nom: str) -> str:
        """The placeholder the page holds where the runner writes table `nom`."""
        return f"<!--tableau-long:{nom}-->"


@dataclass(frozen=True)
class Sorties:
    """What one notebook run hands the runner."""

    rapport: str
    figures: list[LigneFigure]
    tableaux: dict[str, str]  # file name in data/processed/<id>/ → CSV text
    entrees: list[Entree]
    classeur: dict[str, Feuille] = field(default_factory=dict)
    fictif: bool = False
    texte_fictif: str | None = None
    titre: str | None = None
    #: the key figures of the index card, in their order: (figure id, text as the page shows it)
    cartes: list[tuple[str, str]] = field(default_factory=list)
    #: the salted hashes of the personal strings the kernel's readers met (`balayage.Collecteur.exporter`), for
    #: the runner's last scan; taken out of the notebook before anything is written
    empreintes: dict | None = None
    #: what the officer must know of the libraries' warnings, in French (nothing of their text)
    avertissements: list[str] = field(default_factory=list)
    #: every declared figure as the page shows it (figure id → text), for the reports that gather this one's
    textes: dict[str, str] = field(default_factory=dict)
    #: the parameters as « Traçabilité » shows them (name → text)
    parametres: dict[str, str] = field(default_factory=dict)
    #: the tables the runner writes into the pages at their placeholder (`TableauLong.marque`), by name
    tableaux_longs: dict[str, TableauLong] = field(default_factory=dict)
    #: the charts drawn by the kernel's children (`dessins`), by their placeholder in the notebook's outputs
    graphiques: dict[str, str] = field(default_factory=dict)

    def vers_json(self) -> dict:
        return self._legers() | self._lourds()

    def _lourds(self) -> dict:
        """The fields that weigh (the tables, the workbook's sheets, the long tables and their codes): known before
        the charts are gathered."""
        faits: dict[int, int] = {}  # the codes encoded, by list (the sheet and the page's table share theirs)
        reserve: list[str] = []  # each column of codes, once
        return {
            "tableaux": self.tableaux,
            # not `asdict`, which copies every cell one by one (25 000 budget lines: seconds)
            "classeur": {n: {"legende": f.legende, "colonnes": list(f.colonnes), "formats": list(f.formats),
                             "lignes": f.lignes, "distinctes": f.distinctes,
                             "codes": _codes_vers_json(f.codes, faits, reserve)}
                         for n, f in self.classeur.items()},
            "tableaux_longs": {n: {"legende": t.legende, "colonnes": list(t.colonnes), "numeriques": list(t.numeriques),
                                   "textes": t.textes, "codes": _codes_vers_json(t.codes, faits, reserve),
                                   "entete_ligne": t.entete_ligne}
                               for n, t in self.tableaux_longs.items()},
            "codes": reserve,
        }

    def _legers(self) -> dict:
        return {
            "rapport": self.rapport, "figures": [f.ligne() for f in self.figures],
            "entrees": [asdict(e) for e in self.entrees],
            "fictif": self.fictif, "texte_fictif": self.texte_fictif, "titre": self.titre,
            "cartes": [list(c) for c in self.cartes], "empreintes": self.empreintes,
            "avertissements": list(self.avertissements), "textes": self.textes, "parametres": self.parametres,
            "graphiques": self.graphiques,
        }

    def texte_lourds(self) -> str:
        """The JSON text of the fields that weigh, for `texte(lourds=…)`: encoded while the kernel would only wait
        for its charts (`Rapport.publier`). Its `Sorties` need only those fields."""
        return _encoder(self._lourds())

    def texte(self, lourds: str | None = None) -> str:
        """The hand-over as the JSON text a display carries (jupyter_client's encoder, so that the text is what
        the message would have carried); `lourds`: this object's heavy fields as `texte_lourds` encoded them
        before, joined to the others without encoding them again."""
        if lourds is None:
            return _encoder(self.vers_json())
        legers = _encoder(self._legers())
        return legers[:-1] + "," + lourds[1:]  # two JSON objects of distinct keys, neither empty: one object

    @classmethod
    def depuis_json(cls, data: object) -> Sorties:
        if not isinstance(data, dict):
            raise FormeInvalide("les sorties du notebook ne sont pas un objet")
        lus: dict[int, list[int]] = {}  # each column of codes read back once
        reserve = data.get("codes", [])
        try:
            return cls(
                rapport=str(data.get("rapport", "")),
                figures=[LigneFigure(**{k: f[k] for k in COLONNES_FIGURES}) for f in data["figures"]],
                tableaux={str(k): str(v) for k, v in data["tableaux"].items()},
                entrees=[Entree(**e) for e in data.get("entrees", [])],
                classeur={n: Feuille(**(f | {"codes": _codes_depuis_json(f.get("codes"), reserve, lus)}))
                          for n, f in data.get("classeur", {}).items()},
                fictif=bool(data.get("fictif", False)), texte_fictif=data.get("texte_fictif"),
                titre=data.get("titre"), cartes=[(str(i), str(t)) for i, t in data.get("cartes", [])],
                empreintes=data.get("empreintes"), avertissements=[str(a) for a in data.get("avertissements", [])],
                textes={str(k): str(v) for k, v in data.get("textes", {}).items()},
                parametres={str(k): str(v) for k, v in data.get("parametres", {}).items()},
                tableaux_longs={str(n): TableauLong(**(t | {"codes": _codes_depuis_json(t["codes"], reserve, lus)}))
                                for n, t in data.get("tableaux_longs", {}).items()},
                graphiques={str(m): str(svg) for m, svg in data.get("graphiques", {}).items()},
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise FormeInvalide(f"sorties du notebook de forme inattendue ({exc})") from None


#: The JSON types each field of a state record may have.
_TYPES_ETAT = {"statut": str, "date": str, "date_iso": str, "message": str, "cle": (str, type(None)),
               "entrees": list, "sorties": dict, "duree": (int, float), "fictif": bool, "cartes": list}


@dataclass(frozen=True)
class EtatRapport:
    """One report's record in build/etat.json: its last run, what it depended on and what it wrote."""

    statut: str  # "ok" or "echec"
    date: str = ""  # as the index shows it
    date_iso: str = ""
    message: str = ""
    cle: str | None = None  # etat.cle of the run that produced the outputs (None after a failure)
    entrees: list[Entree] = field(default_factory=list)
    sorties: dict[str, str] = field(default_factory=dict)  # output → SHA-256
    duree: float = 0.0
    fictif: bool = False
    cartes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.statut == "ok"

    def vers_json(self) -> dict:
        d = asdict(self)
        d["cartes"] = [list(c) for c in self.cartes]
        return d

    @classmethod
    def depuis_json(cls, data: object) -> EtatRapport:
        """A record read back; `FormeInvalide` when it is not one (the report then counts as never run)."""
        if not isinstance(data, dict) or not isinstance(data.get("statut"), str):
            raise FormeInvalide("enregistrement sans statut")
        connus = {f.name for f in fields(cls)}
        for champ, types in _TYPES_ETAT.items():  # a field edited by hand to another type: no record
            valeur = data.get(champ)
            if champ in data and (not isinstance(valeur, types) or (champ == "duree" and isinstance(valeur, bool))):
                raise FormeInvalide(f"champ « {champ} » de type inattendu")
        if not all(isinstance(e, dict) and all(isinstance(v, str) for v in e.values())
                   for e in data.get("entrees", [])):
            raise FormeInvalide("entrée de forme inattendue")
        try:
            d = {k: v for k, v in data.items() if k in connus}
            d["entrees"] = [Entree(**e) for e in d.get("entrees", [])]
            d["cartes"] = [(str(i), str(t)) for i, t in d.get("cartes", [])]
            d["sorties"] = {str(k): str(v) for k, v in d.get("sorties", {}).items()}
            return cls(**d)
        except (TypeError, AttributeError, ValueError) as exc:
            raise FormeInvalide(f"enregistrement de forme inattendue ({exc})") from None


@dataclass(frozen=True)
class Publie:
    """What one report published in its last run, as `build/publies/<id>.json` records it for the reports that
    depend on it (`bilan`): written with that report's outputs, or with its failure (statut « echec », nothing
    else), so that a dependant never shows a stale figure of a failed source."""

    rapport: str
    statut: str  # "ok" or "echec"
    date: str = ""  # as the pages show it
    date_iso: str = ""
    message: str = ""
    parametres: dict[str, str] = field(default_factory=dict)
    entrees: list[Entree] = field(default_factory=list)
    textes: dict[str, str] = field(default_factory=dict)  # figure id → text as the page shows it
    figures: list[LigneFigure] = field(default_factory=list)  # its rows of figures.csv, full precision
    tableaux: list[str] = field(default_factory=list)  # file names in data/processed/<id>/
    fictif: bool = False

    @property
    def ok(self) -> bool:
        return self.statut == "ok"

    def vers_json(self) -> dict:
        return asdict(self)

    @classmethod
    def depuis_json(cls, data: object) -> Publie:
        if not isinstance(data, dict) or not isinstance(data.get("statut"), str):
            raise FormeInvalide("enregistrement de publication sans statut")
        connus = {f.name for f in fields(cls)}
        try:
            d = {k: v for k, v in data.items() if k in connus}
            d["entrees"] = [Entree(**e) for e in d.get("entrees", [])]
            d["figures"] = [LigneFigure(**{k: f[k] for k in COLONNES_FIGURES}) for f in d.get("figures", [])]
            return cls(**d)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise FormeInvalide(f"enregistrement de publication de forme inattendue ({exc})") from None
