"""Loading of input tables: CSV (as written, or as Excel saves it) and .xlsx, validated against
the Table Schema of `data/raw/datapackage.json`, with French messages naming file, row and column.

A file is read only when it can be read without doubt; anything else is refused with a message
that says how to fix it. Row numbers are the file's own line numbers (the header is line 1).
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from babel.dates import get_month_names

from . import catalogue, config, formats
from .erreurs import ErreurDonnees, Probleme

#: Values read as "no value" in every file.
VALEURS_MANQUANTES = ("",)

#: Larger input files are refused before reading (the reports' files weigh kilobytes; a 200 MB CSV
#: took 5 GB of memory).
TAILLE_MAX = 50 * 1024 * 1024

#: Longest cell accepted (the csv module's default field limit, which another library may have raised).
CELLULE_MAX = 131_072

#: Largest magnitude accepted in a number cell: beyond it a float loses units and an int64 overflows.
NOMBRE_MAX = 10**15

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Lecture:
    """How a file was read, for the report's provenance."""

    chemin: Path
    format: str  # "csv", "csv-excel" or "xlsx"
    encodage: str | None = None
    separateur: str | None = None
    decimale: str = "."
    entete: list[str] = field(default_factory=list)
    lignes: list[tuple[int, list[str]]] = field(default_factory=list)

    def description(self) -> str:
        if self.format == "xlsx":
            return "classeur Excel (.xlsx), première feuille"
        enc = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM", "cp1252": "Windows-1252"}[self.encodage or "utf-8"]
        sep = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}[self.separateur or ","]
        text = f"CSV {enc}, séparateur {sep}"
        if self.decimale == ",":
            text += ", décimale virgule"
        return text


# --------------------------------------------------------------------------- datapackage

@lru_cache(maxsize=8)
def _datapackage(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def datapackage(path: Path | None = None) -> dict:
    """The data package descriptor (cached while the file is unchanged)."""
    path = Path(path or config.DATAPACKAGE)
    return _datapackage(str(path), path.stat().st_mtime)


def ressource(nom: str, path: Path | None = None) -> dict:
    """The resource descriptor named `nom`: from the data package, or, for an input that is
    accepted but not shipped (a project list, a scoring sheet), from `data/raw/schemas/<nom>.json`."""
    for res in datapackage(path)["resources"]:
        if res["name"] == nom:
            return res
    extra = config.extra_schema(nom)
    if extra.exists():
        return json.loads(extra.read_text(encoding="utf-8"))
    raise KeyError(nom)


def source_texte(res: dict) -> str:
    """A resource's sources, as one French line for a report."""
    return " ; ".join(s.get("title", "") for s in res.get("sources", []))


# --------------------------------------------------------------------------- reading

def _nom(chemin: Path) -> str:
    return config.display_path(chemin)


def lire(chemin: str | Path, colonnes_attendues: list[str] | None = None) -> Lecture:
    """Read a table's header and rows as text, whatever its form (CSV, Excel's CSV, .xlsx).

    Refuses what cannot be read without doubt, with a `ErreurDonnees` saying how to fix it.
    """
    chemin = Path(chemin)
    nom = _nom(chemin)
    raw = octets(chemin)
    if est_classeur(raw):
        return _lire_xlsx(chemin, nom)
    text, encodage, decalage = texte_csv(raw, nom)
    separateur = detecter_separateur(text.splitlines()[0] if text.strip() else "", colonnes_attendues)
    lecture = Lecture(chemin, "csv" if (encodage == "utf-8" and separateur == ",") else "csv-excel",
                      encodage=encodage, separateur=separateur, decimale="," if separateur == ";" else ".")
    enregistrements = lignes_csv(text, separateur, nom, decalage)
    # the rows go as they are only when no cell needs cleaning and no quoted cell holds a line break (one
    # record per line), whose ends a cleaning would trim
    propre = sans_nettoyage(text, separateur) and len(enregistrements) == text.count("\n") + (not text.endswith("\n"))
    _remplir(lecture, enregistrements, nom, propre)
    return lecture


def sans_nettoyage(text: str, separateur: str) -> bool:
    """True when no cell has a space around it and no row is blank: the rows then need no cleaning (the
    common case, and the fast one). Over-cautious is fine: a space inside quotes only costs the slow path."""
    t, esp = text.rstrip("\r\n"), r"[^\S\r\n]"  # any space but a line break
    vide = rf'[{separateur}"\s]*'  # a row of nothing but separators, quotes and spaces
    return not (text.count("\r") != text.count("\r\n")  # a bare CR ends lines (old Mac files): the careful path
                or t[:1].isspace() or t[-1:].isspace()
                or re.search(rf'[{separateur}"\n]{esp}|{esp}[{separateur}"\r\n]', t)
                or re.match(rf"{vide}(\r?\n|$)", t) or re.search(rf"\n{vide}(\r?\n|$)", t))


def octets(chemin: Path) -> bytes:
    """The bytes of an input file, or a French refusal when it is missing, a folder or empty."""
    nom = _nom(chemin)
    if not chemin.exists():
        raise ErreurDonnees(Probleme(nom, "fichier introuvable", conseil="vérifiez le chemin et le nom du fichier"))
    if chemin.is_dir():
        raise ErreurDonnees(Probleme(nom, "c'est un dossier, pas un fichier"))
    if not chemin.is_file():  # a FIFO, /dev/zero, a socket: reading it could wait or run forever
        raise ErreurDonnees(Probleme(nom, "ce n'est pas un fichier ordinaire (tube, périphérique…)",
                                     conseil="donnez le chemin d'un fichier .csv ou .xlsx"))
    taille = chemin.stat().st_size
    if taille > TAILLE_MAX:
        raise ErreurDonnees(Probleme(nom, f"fichier trop gros ({formats.entier(taille // 2**20)} Mo ; au plus "
                                          f"{formats.entier(TAILLE_MAX // 2**20)} Mo)",
                                     conseil="ne gardez que les lignes et colonnes du tableau attendu"))
    with open(chemin, "rb") as fh:
        raw = fh.read(TAILLE_MAX + 1)
    if not raw.strip():
        raise ErreurDonnees(Probleme(nom, "le fichier est vide", conseil="exportez de nouveau le tableau, avec sa "
                                                                         "ligne d'en-tête"))
    return raw


def est_classeur(raw: bytes) -> bool:
    """True for an .xlsx workbook (a zip archive)."""
    return raw.startswith(_ZIP_MAGIC)


def texte_csv(raw: bytes, nom: str) -> tuple[str, str, int]:
    """(text, encoding, lines dropped) of a CSV file: UTF-8 (with or without BOM) or, failing that,
    Windows-1252 as Excel saves it; a leading `sep=` line is dropped (and counted, so that line numbers
    stay the file's own). Refuses .xls workbooks and binary files."""
    if raw.startswith(_OLE_MAGIC):
        raise ErreurDonnees(
            Probleme(
                nom,
                "classeur Excel 97-2003 (.xls), format non pris en charge",
                conseil="enregistrez-le au format .xlsx ou « CSV UTF-8 »",
            )
        )
    if b"\x00" in raw:  # a binary file, or a NUL copied into a cell: never carried into a page
        ligne = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ErreurDonnees(
            Probleme(
                nom,
                "caractère nul (octet 0) : ce n'est pas un tableau texte (CSV) lisible",
                ligne=ligne,
                conseil="enregistrez-le au format « CSV UTF-8 » ou .xlsx",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        text, encodage = raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, encodage = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV (séparateur : point-virgule)" in Windows-1252.
            text, encodage = raw.decode("cp1252", errors="replace"), "cp1252"
    decalage = 0  # lines before the table: the file's own line numbers are reported
    first, _nl, rest = text.partition("\n")
    if first.strip().lower().startswith("sep="):
        text, decalage = rest, 1
    return text, encodage, decalage


def lignes_csv(text: str, separateur: str, nom: str, decalage: int) -> list[tuple[int, list[str]]]:
    """Each record with the file line it starts on (a quoted cell may span several lines)."""
    actif = gc.isenabled()
    gc.disable()  # a million new cells and rows are no garbage: the collector would only rescan them (2/3 of the time)
    try:
        return _lignes_csv(text, separateur, nom, decalage)
    finally:
        if actif:
            gc.enable()


def _lignes_csv(text: str, separateur: str, nom: str, decalage: int) -> list[tuple[int, list[str]]]:
    csv.field_size_limit(CELLULE_MAX)  # the csv module refuses a longer cell itself (no check per row here)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separateur)
    out, fin = [], 0
    try:
        rows = list(reader)
    except csv.Error:
        rows = None  # the record by record reading below names the line
    if rows == []:
        return []  # no record at all (an empty text): the caller says the file is empty
    if rows is not None and text.count("\r") == text.count("\r\n"):  # lines end with \n (or \r\n)
        debut = 1 + decalage
        if len(rows) == text.count("\n") + (not text.endswith("\n")):  # one record per line: no cell spans lines
            return list(zip(range(debut, len(rows) + debut), rows, strict=True))
        # a record starts one line after the previous one, plus the line breaks inside its quoted cells
        sauts = [0] + ["\x00".join(r).count("\n") for r in rows[:-1]]
        numeros = itertools.accumulate((1 + s for s in sauts), initial=debut - 1)
        return list(zip(itertools.islice(numeros, 1, None), rows, strict=True))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separateur)
    try:
        for row in reader:  # some quoted cell spans lines: number each record by the line it starts on
            out.append((fin + 1 + decalage, row))
            fin = reader.line_num
    except csv.Error as exc:
        limite = "field larger than field limit" in str(exc)
        raise ErreurDonnees(Probleme(
            nom,
            f"cellule de plus de {formats.entier(CELLULE_MAX)} caractères" if limite
            else "guillemets mal fermés ou caractère illisible",
            ligne=fin + 1 + decalage,
            conseil="une cellule contient peut-être un guillemet ouvert qui n'est jamais fermé",
        )) from None
    return out


def detecter_separateur(header: str, attendues: list[str] | None) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    if attendues:
        for sep in (",", ";", "\t"):
            if set(c.strip() for c in header.split(sep)) & set(attendues) and counts[sep]:
                return sep
    return max(counts, key=lambda s: (counts[s], s == ","))


def _remplir(lecture: Lecture, rows: list, nom: str, propre: bool = False) -> None:
    """Header and body of the table; `rows` are cell lists (numbered from line 1) or (line, cells).
    `propre`: the caller knows that no cell has spaces around it (`sans_nettoyage`); the rows are then taken
    as they are when they are all as wide as the header (a blank line, even a last one, is a narrower row)."""
    # skip blank lines, keep line numbers as the file shows them. Each step is one C-level call per row
    # (join, map), no Python loop per cell: a sheet of 100 000 rows reads in a fraction of a second.
    if rows and isinstance(rows[0], tuple):
        numbered = rows  # CSV records: their cells are text already
    else:
        numbered = [(i + 1, [("" if c is None else str(c)) for c in row]) for i, row in enumerate(rows)]
    rapide = propre and bool(numbered) and {len(r) for _, r in numbered} == {len(numbered[0][1])}
    if not rapide:
        numbered = [(n, r) for n, r in numbered if "".join(r).strip()]
    if not numbered:
        raise ErreurDonnees(
            Probleme(nom, "le fichier est vide", conseil="exportez de nouveau le tableau, avec sa ligne d'en-tête")
        )
    (_, header), body = numbered[0], numbered[1:]
    lecture.entete = [h.strip().lstrip("\ufeff") for h in header]
    # trailing empty header cells (Excel leaves some) are dropped with their empty cells
    while lecture.entete and lecture.entete[-1] == "":
        lecture.entete.pop()
    width = len(lecture.entete)
    if rapide and len(header) == width:
        lecture.lignes.extend(body)
        return
    strip, lignes = str.strip, lecture.lignes
    for n, row in body:
        if len(row) == width:
            lignes.append((n, list(map(strip, row))))
            continue
        if "".join(row[width:]).strip():
            raise ErreurDonnees(
                Probleme(
                    nom,
                    f"{len(row)} cellules pour {width} colonnes d'en-tête",
                    ligne=n,
                    conseil="une valeur contient peut-être le séparateur ; mettez-la entre guillemets",
                )
            )
        lignes.append((n, list(map(strip, (row + [""] * width)[:width]))))


def _lire_xlsx(chemin: Path, nom: str, feuille: str | None = None) -> Lecture:
    import openpyxl  # imported only when a workbook is given: most inputs are CSV, and kernels start faster

    try:
        wb = openpyxl.load_workbook(chemin, read_only=True, data_only=True)
    except Exception as exc:  # corrupt or not really a workbook
        raise ErreurDonnees(
            Probleme(
                nom,
                f"classeur illisible ({type(exc).__name__})",
                conseil="ouvrez-le dans Excel et enregistrez-le de nouveau en .xlsx",
            )
        ) from exc
    ws = wb[feuille] if feuille and feuille in wb.sheetnames else wb.worksheets[0]
    rows = [[_cellule_xlsx(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    lecture = Lecture(chemin, "xlsx", decimale=".")
    _remplir(lecture, rows, f"{nom} (feuille « {ws.title} »)")
    return lecture


def lire_feuille(chemin: str | Path, feuille: str) -> Lecture:
    """One named sheet of a workbook (e.g. « Notes » of a scoring sheet)."""
    chemin = Path(chemin)
    return _lire_xlsx(chemin, _nom(chemin), feuille)


def _cellule_xlsx(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


# --------------------------------------------------------------------------- validation

_INT_RE = re.compile(r"^[+-]?\d+$")


def _nombre(text: str, decimale: str) -> float | None:
    """The number in `text` when it is written without doubt, else None."""
    t = text.strip()
    if decimale == ",":
        if "." in t:
            return None  # '1.234' could be a thousands separator: refuse
        t = t.replace(",", ".")
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", t):
        return float(t)
    return None


def _chiffres_seuls(text: str) -> str:
    return re.sub(r"[^\d,.\-]", "", text)


def _convertir(text: str, champ: dict, decimale: str) -> tuple[object, str | None, str | None]:
    """(value, problem, advice) for one cell of a field."""
    kind = champ.get("type", "string")
    trop_grand = (
        f"« {text[:30]} » est un nombre trop grand (au plus {len(str(NOMBRE_MAX)) - 1} chiffres)",
        "vérifiez l'unité et le nombre de chiffres",
    )
    if kind in ("integer", "year"):
        if _INT_RE.match(text):
            if abs(int(text)) > NOMBRE_MAX:
                return None, *trop_grand
            return int(text), None, None
        number = _nombre(text, decimale)
        if number is not None and (not math.isfinite(number) or abs(number) > NOMBRE_MAX):
            return None, *trop_grand
        if number is not None and number.is_integer():
            return int(number), None, None
        hint = _chiffres_seuls(text)
        advice = "écrivez le nombre en chiffres seuls, sans espace, sans symbole ni séparateur de milliers"
        if hint and hint != text:
            advice += f" ({hint})"
        what = "une année" if kind == "year" else "un nombre entier"
        return None, f"« {text} » n'est pas {what}", advice
    if kind == "number":
        number = _nombre(text, decimale)
        if number is not None and (not math.isfinite(number) or abs(number) > NOMBRE_MAX):
            return None, *trop_grand
        if number is not None:
            return number, None, None
        if decimale == "," and "." in text:
            return (
                None,
                f"« {text} » : un point dans un fichier à point-virgule est ambigu",
                "écrivez la décimale avec une virgule (3,5), sans séparateur de milliers",
            )
        sep = "une virgule (3,5)" if decimale == "," else "un point (3.5)"
        return (
            None,
            f"« {text} » n'est pas un nombre",
            f"écrivez le nombre en chiffres, la décimale avec {sep}, sans espace ni symbole",
        )
    if kind == "string" and champ.get("formesExcel") == "mois":
        return mois_excel(text) or text, None, None
    if kind == "date":
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return text, None, None
        return None, f"« {text} » n'est pas une date", "écrivez-la AAAA-MM-JJ (2025-02-06)"
    return text, None, None


def _sans_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


#: French month names as Excel and Babel write them (`avril`, `avr.`, `avr`), without accents, → month number.
_MOIS = {
    _sans_accents(n.casefold()).rstrip("."): m
    for largeur in ("wide", "abbreviated")
    for m, n in get_month_names(largeur, locale=config.LOCALE).items()
}


def mois_excel(text: str) -> str | None:
    """`2026-04` from a month as Excel writes it (`avr-26`, `avr. 2026`, `avril 2026`, `04/2026`, a date cell
    `2026-04-01` or `01/04/2026`); a year or an `AAAA-MM` month as it is; None when it is none of these."""
    t = text.strip()
    if re.fullmatch(r"\d{4}(-\d{2})?", t):
        return t
    m = re.fullmatch(r"(\d{4})-(\d{2})-01(?:[T ]00:00(?::00)?)?", t) or re.fullmatch(r"01/(\d{2})/(\d{4})", t)
    if m:
        year, month = (m.group(1), m.group(2)) if "-" in t else (m.group(2), m.group(1))
        return f"{year}-{month}"
    m = re.fullmatch(r"(\d{1,2})/(\d{4})", t)
    if m:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([^\W\d_]+)\.?[\s\-.]*(\d{2}|\d{4})", t)
    if m:
        month = _MOIS.get(_sans_accents(m.group(1).casefold()))
        if month is not None:
            year = m.group(2) if len(m.group(2)) == 4 else "20" + m.group(2)
            return f"{year}-{month:02d}"
    return None


def _contraintes(value, text: str, champ: dict) -> tuple[str | None, str | None]:
    c = champ.get("constraints", {})
    label = champ.get("title") or champ["name"]
    if "enum" in c and value not in c["enum"]:
        return f"« {text} » n'est pas une valeur permise", "valeurs permises : " + ", ".join(map(str, c["enum"]))
    if "pattern" in c and isinstance(value, str) and not re.fullmatch(c["pattern"], value):
        return f"« {text} » n'a pas la forme attendue", champ.get("description")
    if "minimum" in c and isinstance(value, (int, float)) and value < c["minimum"]:
        return (
            f"{text} est inférieur au minimum {c['minimum']} ({label})",
            "un montant ou un effectif ne peut pas être négatif" if c["minimum"] == 0 else None,
        )
    if "maximum" in c and isinstance(value, (int, float)) and value > c["maximum"]:
        return f"{text} est supérieur au maximum {c['maximum']} ({label})", None
    return None, None


def _cle_titre(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'").casefold().split())


def _nom_colonne(entete: str, fields: list[dict]) -> str:
    """A header cell as the field's name: its name, or its French title (« Appels reçus ») as the schema writes it,
    whatever the case, spaces and apostrophes."""
    if any(entete == f["name"] for f in fields):
        return entete
    key = _cle_titre(entete)
    return next((f["name"] for f in fields if f.get("title") and _cle_titre(f["title"]) == key), entete)


def valider(lecture: Lecture, schema: dict) -> tuple[pd.DataFrame | None, list[Probleme]]:
    """Check a read table against a Table Schema; the typed table, or every problem found."""
    nom = _nom(lecture.chemin)
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    lecture.entete = [_nom_colonne(c, fields) for c in lecture.entete]
    problems: list[Probleme] = []
    expected = ", ".join(names)
    titles = ", ".join(f"« {f['title']} »" for f in fields if f.get("title"))
    for col in lecture.entete:
        if col == "":
            problems.append(
                Probleme(nom, "une colonne n'a pas de nom", ligne=1, conseil=f"colonnes attendues : {expected}")
            )
        elif col not in names:
            problems.append(
                Probleme(
                    nom,
                    "colonne inconnue",
                    ligne=1,
                    colonne=col,
                    conseil=f"colonnes attendues : {expected} (ou leurs titres : {titles})",
                )
            )
    seen = set()
    for col in lecture.entete:
        if col and col in seen:
            problems.append(Probleme(nom, "colonne en double", ligne=1, colonne=col))
        seen.add(col)
    for f in fields:
        if f["name"] not in lecture.entete and f.get("constraints", {}).get("required", False):
            problems.append(
                Probleme(
                    nom,
                    "colonne obligatoire absente",
                    ligne=1,
                    colonne=f["name"],
                    conseil=f"ajoutez-la à la ligne d'en-tête ({expected})",
                )
            )
    if problems:
        return None, problems
    if not lecture.lignes:
        return None, [
            Probleme(
                nom,
                "aucune ligne de données sous l'en-tête",
                ligne=2,
                conseil="le fichier ne contient que la ligne d'en-tête",
            )
        ]
    missing_values = set(schema.get("missingValues", VALEURS_MANQUANTES))
    index = {c: i for i, c in enumerate(lecture.entete)}
    columns: dict[str, list] = {f["name"]: [] for f in fields}
    for n, row in lecture.lignes:
        for f in fields:
            i = index.get(f["name"])
            text = row[i] if i is not None else ""
            if text in missing_values:
                if f.get("constraints", {}).get("required"):
                    problems.append(Probleme(nom, "valeur obligatoire manquante", ligne=n, colonne=f["name"]))
                columns[f["name"]].append(None)
                continue
            value, problem, advice = _convertir(text, f, lecture.decimale)
            if problem is None:
                problem, advice = _contraintes(value, text, f)
            if problem:
                problems.append(Probleme(nom, problem, ligne=n, colonne=f["name"], conseil=advice))
            columns[f["name"]].append(value)
    keys = schema.get("primaryKey") or []
    keys = [keys] if isinstance(keys, str) else keys
    uniques = [[f["name"]] for f in fields if f.get("constraints", {}).get("unique")]
    for key in ([keys] if keys else []) + uniques:
        first: dict[tuple, int] = {}
        for pos, (n, _) in enumerate(lecture.lignes):
            k = tuple(columns[c][pos] for c in key)
            if k in first:
                problems.append(
                    Probleme(
                        nom,
                        f"ligne en double : {' / '.join(map(str, k))} figure déjà ligne {first[k]}",
                        ligne=n,
                        colonne=", ".join(key),
                        conseil="supprimez ou corrigez l'une des deux lignes",
                    )
                )
            else:
                first[k] = n
    if problems:
        return None, problems
    df = pd.DataFrame(index=pd.Index([n for n, _ in lecture.lignes], name="ligne"))
    for f in fields:
        values = columns[f["name"]]
        if f.get("type") in ("integer", "year"):
            df[f["name"]] = pd.array(values, dtype="Int64") if None in values else pd.array(values, dtype="int64")
        elif f.get("type") == "number":
            df[f["name"]] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        else:
            df[f["name"]] = pd.array(values, dtype=object)
    df.attrs["fichier"] = nom
    df.attrs["lecture"] = lecture.description()
    return df, []


def charger(nom_ressource: str, chemin: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the resource `nom_ressource` of the data package, from `chemin`
    (default: its file in data/raw/). Raises `ErreurDonnees` with every problem found."""
    res = ressource(nom_ressource)
    chemin = config.resolve(chemin) if chemin is not None else config.raw_file(res["path"])
    schema = res["schema"]
    lecture = lire(
        chemin, [f["name"] for f in schema["fields"]] + [f["title"] for f in schema["fields"] if f.get("title")]
    )
    df, problems = valider(lecture, schema)
    if not problems:
        problems = lignes_manquantes(nom_ressource, df)
    if problems:
        raise ErreurDonnees(problems)
    return df


def lignes_manquantes(nom_ressource: str, df: pd.DataFrame) -> list[Probleme]:
    """The rows a context file must have (rapports.toml, `[lignes_requises]`), each missing one or out of its range."""
    requis = {i: (b.min_exclu, b.max) for i, b in catalogue.lignes_requises(nom_ressource).items()}
    nom = df.attrs.get("fichier", nom_ressource)
    lignes = {ind: n for n, ind in zip(df.index, df["indicateur"], strict=True)} if requis else {}
    problems = []
    for ind, (minimum, maximum) in requis.items():
        if ind not in lignes:
            problems.append(
                Probleme(
                    nom,
                    f"la ligne de l'indicateur « {ind} » manque",
                    colonne="indicateur",
                    conseil=f"ajoutez une ligne « {ind} » avec sa valeur (les rapports la lisent)",
                )
            )
            continue
        v = df.loc[lignes[ind], "valeur"]
        if (minimum is not None and not v > minimum) or (maximum is not None and not v <= maximum):
            borne = " et ".join(
                x
                for x in (
                    f"supérieure à {minimum:g}" if minimum is not None else "",
                    f"au plus {maximum:g}" if maximum is not None else "",
                )
                if x
            )
            problems.append(
                Probleme(nom, f"la valeur de « {ind} » doit être {borne}", ligne=lignes[ind], colonne="valeur")
            )
    return problems
