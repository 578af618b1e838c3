"""Loading of the raw input tables, validated against the Table Schema of `data/raw/datapackage.json`, with
French messages naming file, row and column. Files are opened by the reading layer (`cln_analysis.lecture`:
CSV as written or as Excel saves it, .xlsx); this module maps their columns and applies the schema's rules.

A file is read only when it can be read without doubt; anything else is refused with a message
that says how to fix it. Row numbers are the file's own line numbers (the header is line 1).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
from babel.dates import get_month_names

from . import catalogue, config
from .erreurs import ErreurDonnees, Probleme
from .lecture.ouvrir import (  # noqa: F401 (the reading layer's names, as callers of this module knew them)
    CELLULE_MAX,
    TAILLE_MAX,
    Format,
    Tableau,
    detecter_separateur,
    est_classeur,
    lignes_csv,
    octets,
    ouvrir,
    sans_nettoyage,
    texte_csv,
)
from .lecture.titres import cle, sans_accents

#: Values read as "no value" in every file.
VALEURS_MANQUANTES = ("",)

#: Largest magnitude accepted in a number cell: beyond it a float loses units and an int64 overflows.
NOMBRE_MAX = 10**15

#: How a raw table was read (the reading layer's `Tableau`), for the report's provenance.
Lecture = Tableau


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

def lire(chemin: str | Path, colonnes_attendues: list[str] | None = None) -> Lecture:
    """Read a table's header and rows as text, whatever its form (CSV, Excel's CSV, .xlsx): the reading layer's
    `ouvrir` with a plain table's format; `colonnes_attendues` settle the separator."""
    return ouvrir(chemin, Format(colonnes_attendues=tuple(colonnes_attendues or ())))


def lire_feuille(chemin: str | Path, feuille: str) -> Lecture:
    """One named sheet of a workbook (e.g. « Notes » of a scoring sheet); the first when it has none of that name."""
    return ouvrir(chemin, Format(feuille=feuille))


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


#: French month names as Excel and Babel write them (`avril`, `avr.`, `avr`), without accents, → month number.
_MOIS = {
    sans_accents(n.casefold()).rstrip("."): m
    for largeur in ("wide", "abbreviated")
    for m, n in get_month_names(largeur, locale=config.LOCALE).items()
}


def mois_excel(text: str) -> str | None:
    """`2026-04` from a month as Excel writes it (`avr-26`, `avr. 2026`, `avril 2026`, `04/2026`, a date cell
    `2026-04-01` or `01/04/2026`); a year or an `AAAA-MM` month as it is; None when it is none of these. The text
    is NFKC-normalised first, so that « ２０２５ » (full-width digits) is the year 2025, before any duplicate check."""
    t = unicodedata.normalize("NFKC", text).strip()
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
        month = _MOIS.get(sans_accents(m.group(1).casefold()))
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


def _nom_colonne(entete: str, fields: list[dict]) -> str:
    """A header cell as the field's name: its name, or its French title (« Appels reçus ») as the schema writes it,
    whatever the case, spaces and apostrophes."""
    if any(entete == f["name"] for f in fields):
        return entete
    key = cle(entete)
    return next((f["name"] for f in fields if f.get("title") and cle(f["title"]) == key), entete)


#: At most this many distinct texts of one column are remembered with their verdict while a table is checked.
MEMOIRE_MAX = 20_000


def valider(lecture: Lecture, schema: dict) -> tuple[pd.DataFrame | None, list[Probleme]]:
    """Check a read table against a Table Schema; the typed table, or every problem found."""
    nom = lecture.nom
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    propres = list(lecture.entete)  # the titles as the file writes them: messages name a column so
    lecture.entete = [_nom_colonne(c, fields) for c in lecture.entete]
    du_fichier = {n: t for n, t in zip(lecture.entete, propres, strict=True) if n}
    schema_titres = {f["name"]: f.get("title") or f["name"] for f in fields}

    def titre(name: str) -> str:
        """A column as the officer sees it: the file's own title, else the schema's French title."""
        return du_fichier.get(name) or schema_titres.get(name, name)

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
    absentes = [f for f in fields if f["name"] not in lecture.entete and f.get("constraints", {}).get("required")]
    premiere = lecture.lignes[0] if lecture.lignes else None
    titre_au_dessus = bool(absentes) and premiere is not None and sum(
        _nom_colonne(c, fields) in names for c in premiere[1]) >= max(1, len(absentes))
    for f in absentes:
        conseil = f"ajoutez-la à la ligne d'en-tête ({expected})"
        if titre_au_dessus:  # the header is on the next line: a title row was typed above it in the spreadsheet
            conseil = (f"la ligne {premiere[0]} porte les noms des colonnes : la ligne au-dessus est un titre ; "
                       f"supprimez la ligne 1 dans le tableur, pour que l'en-tête soit la première ligne")
        usage = f["name"] if any(c in names for c in propres) or not f.get("title") else f["title"]
        problems.append(Probleme(nom, "colonne obligatoire absente", ligne=1, colonne=usage, conseil=conseil))
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
    # each field's verdict on a text, worked out once: a column repeats its values (a call log's outcomes and
    # durations); a column whose values are nearly all distinct (times) stops being remembered past MEMOIRE_MAX
    verdicts: dict[str, dict[str, tuple]] = {f["name"]: {} for f in fields}
    for n, row in lecture.lignes:
        for f in fields:
            i = index.get(f["name"])
            text = row[i] if i is not None else ""
            if text in missing_values:
                if f.get("constraints", {}).get("required"):
                    problems.append(Probleme(nom, "valeur obligatoire manquante", ligne=n, colonne=titre(f["name"])))
                columns[f["name"]].append(None)
                continue
            connus = verdicts[f["name"]]
            verdict = connus.get(text)
            if verdict is None:
                value, problem, advice = _convertir(text, f, lecture.decimale)
                if problem is None:
                    problem, advice = _contraintes(value, text, f)
                verdict = (value, problem, advice)
                if len(connus) < MEMOIRE_MAX:
                    connus[text] = verdict
            value, problem, advice = verdict
            if problem:
                problems.append(Probleme(nom, problem, ligne=n, colonne=titre(f["name"]), conseil=advice))
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
                        colonne=", ".join(titre(c) for c in key),
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
