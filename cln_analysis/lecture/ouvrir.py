"""Opening an input file, whatever its form: a CSV as written, as Excel saves it (`;`, Windows-1252, a `sep=`
line, a BOM, UTF-16LE « Texte Unicode » with tabs), or an `.xlsx` workbook (opened once).

`ouvrir(chemin, Format(...))` returns a `Tableau`: every cell as text, trimmed, blank rows skipped, each row with
the file's own line number, the header row(s) apart. A format's reader then only maps columns and applies its
rules. A file is read only when it can be read without doubt; anything else raises `ErreurDonnees` with a French
message naming the file, the line and, for a file that may hold personal data (`Format.personnel`), the column by
its letter — a cell of such a file is never quoted.

Nothing process-wide changes outside a call: the garbage collector is paused and the csv module's cell limit set
only while a file is split into rows and cleaned, and both are restored before `ouvrir` returns or raises.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config, formats
from ..fichiers import sha256
from . import collecte
from .erreurs import ErreurDonnees, Probleme, lettre

MO = 2**20
#: The default size limit: the reports' own files weigh kilobytes (a 200 MB CSV took 5 GB of memory). A format
#: whose files are larger by nature (a call log, budget lines) declares its own `Format.taille_max`.
TAILLE_MAX = 50 * MO

#: Longest cell accepted (the csv module's default field limit, which another library may have raised).
CELLULE_MAX = 131_072

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"

#: The encodings and separators read, as a report's provenance names them.
ENCODAGES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM", "cp1252": "Windows-1252", "utf-16-le": "UTF-16LE",
             "utf-16-be": "UTF-16BE"}
SEPARATEURS = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}


@dataclass(frozen=True)
class Format:
    """What a format's reader declares about its files; every field has the default of a plain table."""

    taille_max: int = TAILLE_MAX
    #: the sheet of a workbook to read when it has one of that name (otherwise the first sheet, unless only another
    #: one holds the expected columns: see `colonnes_attendues`)
    feuille: str | None = None
    #: header rows: 1 for most tables, 3 for a Framaforms (Drupal Webform) export
    lignes_entete: int = 1
    #: which header row gives the column titles (`Tableau.entete`; all are in `Tableau.entetes`)
    ligne_titres: int = -1
    #: the decimal mark; None: the rule of Excel's files (a comma in a `;` file, a point otherwise)
    decimale: str | None = None
    #: names or titles the header may hold: they settle the separator when a header holds several candidates, and
    #: the sheet of a workbook whose first sheet holds none of them in its first rows but one other sheet does
    colonnes_attendues: tuple[str, ...] = ()
    #: the file may hold personal data: no cell is ever quoted, columns are named by their letter
    personnel: bool = False
    #: a machine's export of one record a line (a switchboard's call log): a quoted cell over several lines is a
    #: stray quote, refused where it opens. Elsewhere such a cell may be a comment over lines, and a stray quote that
    #: a later one closes just before a separator cannot be told from it (in a narrow comma file of free text, a
    #: comment's line may hold as many commas as a row): only one closed in the middle of a text is refused
    une_ligne_par_enregistrement: bool = False
    #: keep the columns that have no title (the reader refuses them itself, e.g. « une colonne remplie n'a pas de
    #: titre »); otherwise trailing untitled columns are dropped when empty and refused when filled
    colonnes_sans_titre: bool = False
    #: the separators a delimited file may use; with several header rows, the one that cuts each of them into as
    #: many cells (the most) is chosen, and those rows are the file's first ones, blank or not (a form export)
    separateurs: tuple[str, ...] = (",", ";", "\t")
    #: a workbook's date-time cells keep their time (`2026-04-06 08:31:00`; a call log), not only their date
    horodatages: bool = False
    #: the reader takes the body as a table (`Tableau.cellules`), not row by row: a plain CSV (one record a line)
    #: is then split by pandas' C parser, five times faster than the csv module for a large file (budget lines);
    #: any other file is read the careful way, with the same result
    colonnaire: bool = False
    #: the SHA-256 of the bytes read is computed (`Tableau.sha256`): the report records the file by it without
    #: reading it again (a large city's budget lines, read ahead by a child)
    empreinte: bool = False


@dataclass
class Tableau:
    """A file as read: how (for the report's provenance), its header row(s) and its rows of text cells."""

    chemin: Path
    format: str  # "csv", "csv-excel" or "xlsx"
    encodage: str | None = None
    separateur: str | None = None
    decimale: str = "."
    entete: list[str] = field(default_factory=list)
    lignes: list[tuple[int, list[str]]] = field(default_factory=list)
    #: every header row (one for most formats), as wide as `entete`
    entetes: list[list[str]] = field(default_factory=list)
    #: the file's line of the (last) header row
    ligne_entete: int = 1
    feuille: str | None = None  # the sheet read, for a workbook
    personnel: bool = False
    #: the workbook's other sheets (not read): a message says which sheet was read when there are some
    autres_feuilles: tuple[str, ...] = ()
    #: the sheet read is not the workbook's first, which holds none of the expected columns (`Format.feuille`):
    #: the description names both
    premiere_feuille: str | None = None
    #: the body as `cellules()` gives it, when pandas split the file (`Format.colonnaire`; `lignes` is then empty)
    table: pd.DataFrame | None = None
    #: with `table`, for each column (by position) without a missing cell: one code per row of `table` and the
    #: column's distinct values, each once (`valeurs[codes]` is the column), so that a reader that checks once per
    #: distinct value does not split the column again
    distinctes: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    #: the SHA-256 of the bytes read, as hex (`Format.empreinte`; None otherwise)
    sha256: str | None = None

    @property
    def nom(self) -> str:
        """The file as messages name it (relative to the repository when it is inside)."""
        return config.display_path(self.chemin)

    @property
    def nom_feuille(self) -> str:
        """The file and, for a workbook, the sheet read."""
        return f"{self.nom} (feuille « {self.feuille} »)" if self.feuille else self.nom

    def description(self, feuille: bool = False) -> str:
        """How the file was read, in French (`feuille`: name a workbook's sheet rather than say « première »)."""
        if self.format == "xlsx":
            if self.premiere_feuille:
                return (f"classeur Excel (.xlsx), feuille « {self.feuille} » (la première feuille, "
                        f"« {self.premiere_feuille} », ne porte pas les colonnes attendues)")
            return f"classeur Excel (.xlsx), feuille « {self.feuille} »" if feuille else \
                "classeur Excel (.xlsx), première feuille"
        text = f"CSV {ENCODAGES[self.encodage or 'utf-8']}, séparateur {SEPARATEURS[self.separateur or ',']}"
        if self.decimale == ",":
            text += ", décimale virgule"
        return text

    def colonne(self, i: int) -> str:
        """Column `i` (0-based) as a message names it: its letter in a personal file, its title otherwise."""
        if self.personnel or i >= len(self.entete) or not self.entete[i]:
            return lettre(i)
        return self.entete[i]

    def probleme(self, message: str, ligne: int | None = None, colonne: int | str | None = None,
                 conseil: str | None = None) -> Probleme:
        """A problem of this file; an int `colonne` is a position, named as `colonne()` says."""
        nom = colonne if colonne is None or isinstance(colonne, str) else self.colonne(colonne)
        if self.premiere_feuille:  # the one sheet that holds the expected columns was read: say so
            autre = f"la feuille « {self.feuille} » est lue, la seule du classeur qui porte les colonnes attendues"
            conseil = f"{conseil} ; {autre}" if conseil else autre
            return Probleme(self.nom_feuille, message, ligne=ligne, colonne=nom, conseil=conseil)
        if self.autres_feuilles:  # the data may be on another sheet: say which one was read
            autre = f"seule la feuille « {self.feuille} » est lue ; si le tableau est sur une autre feuille (" + \
                ", ".join(f"« {n} »" for n in self.autres_feuilles[:5]) + "), placez-le en premier"
            conseil = f"{conseil} ; {autre}" if conseil else autre
            return Probleme(self.nom_feuille, message, ligne=ligne, colonne=nom, conseil=conseil)
        return Probleme(self.nom, message, ligne=ligne, colonne=nom, conseil=conseil)

    def cellules(self) -> pd.DataFrame:
        """The rows as a table of text cells (columns 0…n-1, indexed by the file's line), built in one step."""
        if self.table is not None:
            return self.table
        if not self.lignes:
            return pd.DataFrame(columns=range(len(self.entete)), index=pd.Index([], name="ligne"), dtype=object)
        cells = pd.DataFrame([r for _, r in self.lignes], dtype=object)  # rows as wide as the header: one C step
        cells.index = pd.Index([n for n, _ in self.lignes], name="ligne")
        return cells

    def signaler(self, colonnes: Iterable[int]) -> None:
        """Hand every distinct text of these columns (names, comments, numbers) to the run's collector of
        personal strings (`collecte`), for the last scan before publication; nothing when no run collects."""
        if collecte.courant() is None:
            return
        for i in colonnes:
            collecte.signaler(pd.unique(pd.Series([r[i] for _, r in self.lignes], dtype=object)))


# --------------------------------------------------------------------------- the file's bytes

def octets(chemin: Path, taille_max: int = TAILLE_MAX) -> bytes:
    """The bytes of an input file, or a French refusal when it is missing, a folder, too large or empty."""
    nom = config.display_path(chemin)
    if not chemin.exists():
        raise ErreurDonnees(Probleme(nom, "fichier introuvable", conseil="vérifiez le chemin et le nom du fichier"))
    if chemin.is_dir():
        raise ErreurDonnees(Probleme(nom, "c'est un dossier, pas un fichier"))
    if not chemin.is_file():  # a FIFO, /dev/zero, a socket: reading it could wait or run forever
        raise ErreurDonnees(Probleme(nom, "ce n'est pas un fichier ordinaire (tube, périphérique…)",
                                     conseil="donnez le chemin d'un fichier .csv ou .xlsx"))
    taille = chemin.stat().st_size
    if taille > taille_max:
        lu, permis = _tailles_distinctes(taille, taille_max)
        raise ErreurDonnees(Probleme(nom, f"fichier trop gros ({lu} ; au plus {permis})",
                                     conseil="ne gardez que les lignes et colonnes du tableau attendu"))
    with open(chemin, "rb") as fh:
        raw = fh.read(taille_max + 1)
    if not raw or raw.isspace():  # as `not raw.strip()`, without a copy of a large file
        raise ErreurDonnees(Probleme(nom, "le fichier est vide", conseil="exportez de nouveau le tableau, avec sa "
                                                                         "ligne d'en-tête"))
    return raw


def _tailles_distinctes(taille: int, taille_max: int) -> tuple[str, str]:
    """(`50,4 Mo`, `50,0 Mo`): two sizes in megabytes with the fewest decimals that tell them apart (a file just
    over the limit never reads as the limit), else in bytes."""
    for d in range(4):
        lu, permis = formats.nombre(taille / MO, d), formats.nombre(taille_max / MO, d)
        if lu != permis:
            return f"{lu} Mo", f"{permis} Mo"
    return f"{formats.entier(taille)} octets", f"{formats.entier(taille_max)} octets"


def est_classeur(raw: bytes) -> bool:
    """True for an .xlsx workbook (a zip archive)."""
    return raw.startswith(_ZIP_MAGIC)


def _utf16_sans_bom(raw: bytes) -> bool:
    """UTF-16LE without its BOM: an even length, and the first two characters ASCII, each followed by a zero byte
    (a title starts with a letter or a digit; a binary file so made is then refused for its NULs once decoded)."""
    return len(raw) % 2 == 0 and len(raw) >= 4 and raw[1] == raw[3] == 0 and 0 < raw[0] < 128 and 0 < raw[2] < 128


def texte_csv(raw: bytes, nom: str) -> tuple[str, str, int]:
    """(text, encoding, lines dropped) of a CSV file: UTF-8 (with or without BOM), UTF-16 (Excel's « Texte
    Unicode », with or without BOM) or, failing those, Windows-1252 as Excel saves it; a leading `sep=` line is
    dropped (and counted, so that line numbers stay the file's own). Refuses .xls workbooks and binary files."""
    if raw.startswith(_OLE_MAGIC):
        raise ErreurDonnees(Probleme(nom, "classeur Excel 97-2003 (.xls), format non pris en charge",
                                     conseil="enregistrez-le au format .xlsx ou « CSV UTF-8 »"))
    utf16 = ("utf-16-le", 2) if raw.startswith(b"\xff\xfe") else ("utf-16-be", 2) if raw.startswith(b"\xfe\xff") \
        else ("utf-16-le", 0) if _utf16_sans_bom(raw) else None
    if utf16 is None and b"\x00" in raw:  # a binary file, or a NUL copied into a cell: never carried into a page
        _nul(nom, raw[: raw.index(b"\x00")].count(b"\n") + 1)
    if utf16:
        try:
            text, encodage = raw[utf16[1]:].decode(utf16[0]), utf16[0]
        except UnicodeDecodeError:
            raise ErreurDonnees(Probleme(nom, "texte Unicode (UTF-16) illisible : le fichier est peut-être tronqué",
                                         conseil="enregistrez-le de nouveau, au format « CSV UTF-8 » ou .xlsx"
                                         )) from None
        if "\x00" in text:
            _nul(nom, text[: text.index("\x00")].count("\n") + 1)
    elif raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, encodage = raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as e:  # a file said to be UTF-8 (its BOM) that is not: two encodings mixed
            raise ErreurDonnees(Probleme(
                nom, "texte marqué UTF-8 (BOM) qui contient des caractères d'un autre encodage",
                ligne=_lignes_avant(raw[3:3 + e.start]) + 1,
                conseil="enregistrez-le de nouveau en une fois, au format « CSV UTF-8 » ou .xlsx")) from None
    else:
        try:
            text, encodage = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV (séparateur : point-virgule)" in Windows-1252.
            text, encodage = raw.decode("cp1252", errors="replace"), "cp1252"
    decalage = 0  # lines before the table: the file's own line numbers are reported
    fin = text.find("\n")  # the first line only (not a copy of the rest of a large file, for nothing)
    if _ligne_sep(text, fin):
        text, decalage = ("" if fin < 0 else text[fin + 1:]), 1
    return text, encodage, decalage


def _ligne_sep(text: str, fin: int) -> bool:
    """Whether the first line of `text` (up to `fin`, its first line end, or -1) is Excel's `sep=` line."""
    return (text if fin < 0 else text[:fin]).strip().lower().startswith("sep=")


def _lignes_avant(octets: bytes) -> int:
    """The line ends in `octets`, as the csv module counts them: LF, CRLF and a bare CR (an old Mac's) each one."""
    return octets.count(b"\n") + octets.count(b"\r") - octets.count(b"\r\n")


def _nul(nom: str, ligne: int):
    raise ErreurDonnees(Probleme(nom, "caractère nul (octet 0) : ce n'est pas un tableau texte (CSV) lisible",
                                 ligne=ligne, conseil="enregistrez-le au format « CSV UTF-8 » ou .xlsx"))


def detecter_separateur(header: str, attendues: Iterable[str] | None = None) -> str:
    """`,`, `;` or tab: the one that splits the header into expected names, else the most frequent."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    attendues = set(attendues or ())
    if attendues:
        for sep in (",", ";", "\t"):
            if set(c.strip() for c in header.split(sep)) & attendues and counts[sep]:
                return sep
    return max(counts, key=lambda s: (counts[s], s == ","))


def separateur_entetes(text: str, n: int, candidats: Iterable[str]) -> str:
    """The separator that cuts the first `n` lines (the header rows) into as many cells each, the most cells (an
    online-form export pads its title rows to the full width); else the one that cuts the last of them — the
    column titles — into the most cells (a title typed above a hand-made table); the first candidate when none
    cuts anything."""
    candidats = tuple(candidats)
    tete = "\n".join(text.split("\n", n)[:n])
    best, width, repli, largeur_titres = candidats[0], 0, candidats[0], 1
    for sep in candidats:
        try:
            lignes = list(csv.reader(io.StringIO(tete, newline=""), delimiter=sep))
        except csv.Error:
            continue
        lens = {len(r) for r in lignes}
        if len(lens) == 1 and (w := lens.pop()) > width and w > 1:
            best, width = sep, w
        if lignes and len(lignes[-1]) > largeur_titres:
            repli, largeur_titres = sep, len(lignes[-1])
    return best if width else repli


# --------------------------------------------------------------------------- records

def sans_nettoyage(text: str, separateur: str) -> bool:
    """True when no cell has a space around it and no row is blank: the rows then need no cleaning. Over-cautious
    is fine. (`ouvrir` no longer asks: cleaning column by column costs less than this scan of the text.)"""
    sep = re.escape(separateur)
    t, esp = text.rstrip("\r\n"), r"[^\S\r\n]"  # any space but a line break
    vide = rf'[{sep}"\s]*'  # a row of nothing but separators, quotes and spaces
    return not (text.count("\r") != text.count("\r\n")  # a bare CR ends lines (old Mac files): the careful path
                or t[:1].isspace() or t[-1:].isspace()
                or re.search(rf'[{sep}"\n]{esp}|{esp}[{sep}"\r\n]', t)
                or re.match(rf"{vide}(\r?\n|$)", t) or re.search(rf"\n{vide}(\r?\n|$)", t))


@contextmanager
def _lecture_en_bloc() -> Iterator[None]:
    """While records are split: the collector paused (a million new cells and rows are no garbage: it would only
    rescan them, 2/3 of the time) and the csv module's cell limit set; both as they were afterwards."""
    actif = gc.isenabled()
    limite = csv.field_size_limit(CELLULE_MAX)  # the csv module refuses a longer cell itself (no check per row)
    gc.disable()
    try:
        yield
    finally:
        csv.field_size_limit(limite)
        if actif:
            gc.enable()


def lignes_csv(text: str, separateur: str, nom: str, decalage: int = 0, fmt: Format | None = None
               ) -> list[tuple[int, list[str]]]:
    """Each record with the file line it starts on (a quoted cell may span several lines). `fmt` names a column in
    a refusal by its title (a file without personal data); without it, by its letter."""
    with _lecture_en_bloc():
        return _lignes_csv(text, separateur, nom, decalage, fmt)


#: Never in a decoded text (`texte_csv` refuses a NUL): the record `_lignes_csv` reads after the file's last one
_FIN = "\x00"
#: How a quote opening a cell by mistake is fixed (a cell's own quotes are doubled inside a quoted cell only: a
#: doubled quote at a cell's start opens and closes an empty quoted text, and the quote is lost)
_CONSEIL_GUILLEMET = ("si ce guillemet est de trop, supprimez-le (dans un éditeur de texte, le Bloc-notes par "
                      "exemple) ; s'il fait partie du texte, mettez la cellule entière entre guillemets et doublez "
                      'le sien ("""…")')
#: A quoted cell as the csv module reads it: the quote, any text (its own quotes doubled), the closing quote
_QUOTEE = re.compile(r'"[^"]*(?:""[^"]*)*"')


def _fins(s: str) -> int:
    """The line ends in `s`, as the csv module counts them: LF, CRLF and a bare CR each one."""
    return s.count("\n") + s.count("\r") - s.count("\r\n")


def _suivantes(n: int) -> str:
    return "la ligne suivante" if n == 1 else f"les {formats.entier(n)} lignes suivantes"


def _titres(numbered: list[tuple[int, list[str]]], fmt: Format | None) -> tuple[int, list[str]] | None:
    """The record giving the column titles (line, cells) among the first records, as `remplir` finds it."""
    if fmt is None:
        return None
    if fmt.lignes_entete > 1:
        tete = numbered[:fmt.lignes_entete]
        return tete[fmt.ligne_titres] if len(tete) == fmt.lignes_entete else None
    return next((r for r in numbered if "".join(r[1]).strip()), None)


def _colonne_csv(numbered: list[tuple[int, list[str]]], j: int, ligne: int, fmt: Format | None) -> str:
    """Column `j` of a record starting on `ligne`, as a refusal names it: by the header's title when the file holds
    no personal data and the header is above that record (never by a cell of the record itself), else its letter."""
    titres = None if fmt is None or fmt.personnel else _titres(numbered, fmt)
    if titres is None or titres[0] >= ligne or j >= len(titres[1]):
        return lettre(j)
    return titres[1][j].strip().lstrip("\ufeff") or lettre(j)


def _refus_guillemet(nom: str, numbered: list[tuple[int, list[str]]], k: int, fmt: Format | None) -> ErreurDonnees:
    """The refusal of record `k`, the file's last, whose last cell a quote opens and never closes: read to the end of
    the file, it would hold every line after it (the csv module, not strict, reads it so and says nothing). The cell
    is not quoted: only where it opens (the line after the line ends of its record's earlier cells) and its column."""
    debut, row = numbered[k]
    cellule = row[-1].split(_FIN, 1)[0]  # without the record `_lecteur` adds, which it took in
    ligne = debut + sum(_fins(c) for c in row[:-1])
    n = _fins(cellule) - cellule.endswith(("\n", "\r"))  # the file's last line end ends its last line
    message = "un guillemet ouvre cette cellule et n'est jamais refermé : " + (
        f"elle absorberait {_suivantes(n)}, jusqu'à la fin du fichier" if n > 0
        else "le fichier se termine dans cette cellule (il est peut-être incomplet)")
    return ErreurDonnees(Probleme(nom, message, ligne=ligne, colonne=_colonne_csv(numbered, len(row) - 1, debut, fmt),
                                  conseil=_CONSEIL_GUILLEMET))


def _guillemet_de_trop(text: str, separateur: str, nom: str, numbered: list[tuple[int, list[str]]],
                       sauts: list[int], decalage: int, fmt: Format | None) -> None:
    """Refuse a quoted cell over several lines that a stray quote opened and another stray quote closed lines below,
    the rows between swallowed into one cell: its closing quote is followed by text, not by a separator or a line
    end (no program writes that; the csv module, not strict, reads on), or the file has one record a line
    (`Format.une_ligne_par_enregistrement`). A comment over several lines, closed as every program closes it, is
    read as before. Looked for only in the records over several lines (`sauts`: each record's line breaks inside
    its cells)."""
    multiples = [k for k, n in enumerate(sauts) if n]
    debuts = [0, *(m.end() for m in re.finditer("\n", text))]
    fin_champ = re.compile(f"[^{re.escape(separateur)}\r\n]*")
    for k in multiples:
        debut, row = numbered[k]
        i = debut - 1 - decalage  # the record's first line in `text`, and the line after its last
        apres = i + 1 + sauts[k]
        brut = text[debuts[i]: debuts[apres] if apres < len(debuts) else len(text)]
        pos, j = 0, 0
        while True:  # the record's cells, as the csv module splits them (not strict: after a quote, text reads on)
            ouverture, fermeture = pos, None
            if brut.startswith('"', pos):
                m = _QUOTEE.match(brut, pos)
                if m is None:
                    break
                pos = m.end()
                if "\n" in m.group() and brut[pos:pos + 1] not in (separateur, "\r", "\n", ""):
                    fermeture = "suivi d'un texte au lieu d'un séparateur"
                elif "\n" in m.group() and fmt is not None and fmt.une_ligne_par_enregistrement:
                    fermeture = "dans ce fichier, aucune cellule ne s'étend sur plusieurs lignes"
            pos = fin_champ.match(brut, pos).end()
            if fermeture:
                ligne = debut + brut.count("\n", 0, ouverture)
                jusqu_a = debut + brut.count("\n", 0, pos)
                raise ErreurDonnees(Probleme(
                    nom, f"un guillemet ouvre cette cellule, qui ne se referme qu'à la ligne {jusqu_a} "
                         f"({fermeture}) : elle absorberait {_suivantes(jusqu_a - ligne)}",
                    ligne=ligne, colonne=_colonne_csv(numbered, j, debut, fmt), conseil=_CONSEIL_GUILLEMET))
            if not brut.startswith(separateur, pos):
                break
            pos, j = pos + len(separateur), j + 1


def _lecteur(text: str, separateur: str):
    """The csv module's reader of `text`, then of one last record of two `_FIN` cells: a quoted cell that the file's
    end leaves open (which the csv module, not strict, keeps to the end without a word) takes it in."""
    fin = _FIN + separateur + _FIN
    return csv.reader(itertools.chain(io.StringIO(text, newline=""), [fin]), delimiter=separateur)


def _lignes_csv(text: str, separateur: str, nom: str, decalage: int, fmt: Format | None = None
                ) -> list[tuple[int, list[str]]]:
    reader = _lecteur(text, separateur)
    out, fin = [], 0
    try:
        rows = list(reader)
    except csv.Error:
        rows = None  # the record by record reading below names the line
    ouverte = rows is not None and rows[-1] != [_FIN, _FIN]  # the file ends inside a quoted cell
    if rows is not None and not ouverte:
        rows.pop()
    if rows == []:
        return []  # no record at all (an empty text): the caller says the file is empty
    if rows is not None and text.count("\r") == text.count("\r\n"):  # lines end with \n (or \r\n)
        debut = 1 + decalage
        if not ouverte and len(rows) == text.count("\n") + (not text.endswith("\n")):  # no cell spans lines
            return list(zip(range(debut, len(rows) + debut), rows, strict=True))
        # a record starts one line after the previous one, plus the line breaks inside its quoted cells
        sauts = ["\x00".join(r).count("\n") for r in rows]
        numeros = itertools.accumulate((1 + s for s in [0, *sauts[:-1]]), initial=debut - 1)
        numbered = list(zip(itertools.islice(numeros, 1, None), rows, strict=True))
        if ouverte:
            raise _refus_guillemet(nom, numbered, len(numbered) - 1, fmt)
        _guillemet_de_trop(text, separateur, nom, numbered, sauts, decalage, fmt)
        return numbered
    reader = _lecteur(text, separateur)
    try:
        for row in reader:  # some quoted cell spans lines: number each record by the line it starts on
            out.append((fin + 1 + decalage, row))
            fin = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise ErreurDonnees(Probleme(nom, "guillemets mal fermés ou caractère illisible", ligne=fin + 1 + decalage,
                                         conseil="une cellule contient peut-être un guillemet ouvert qui n'est "
                                                 "jamais fermé")) from None
        raise _refus_longue(text, separateur, nom, out, fin + 1 + decalage, fmt) from None
    if out[-1][1] == [_FIN, _FIN]:
        out.pop()
    elif out:
        raise _refus_guillemet(nom, out, len(out) - 1, fmt)
    return out


def _refus_longue(text: str, separateur: str, nom: str, out: list[tuple[int, list[str]]], ligne: int,
                  fmt: Format | None) -> ErreurDonnees:
    """The refusal of the record after `out`, starting on `ligne`, with a cell longer than CELLULE_MAX: read again
    without the limit (a refusal only: the file is in memory already) for the cell's column, and to tell a quote
    never closed (the cell then holds the rest of the file) from a cell that long."""
    limite = csv.field_size_limit(max(len(text) + 8, CELLULE_MAX))
    try:
        row = next(itertools.islice(_lecteur(text, separateur), len(out), None), None)
    except csv.Error:  # not expected: the message below, without its column
        row = None
    finally:
        csv.field_size_limit(limite)
    if row is not None and row != [_FIN, _FIN] and row[-1].endswith(_FIN + separateur + _FIN):
        return _refus_guillemet(nom, [*out, (ligne, row)], len(out), fmt)
    j = next((j for j, c in enumerate(row or ()) if len(c) > CELLULE_MAX), None)
    return ErreurDonnees(Probleme(
        nom, f"cellule de plus de {formats.entier(CELLULE_MAX)} caractères", ligne=ligne,
        colonne=None if j is None else _colonne_csv([*out, (ligne, row)], j, ligne, fmt),
        conseil="une cellule si longue n'est pas une donnée d'un tableau : vérifiez cette ligne de l'export (un "
                "guillemet de trop réunit parfois de nombreuses lignes en une cellule)"))


def _vide(nom: str) -> ErreurDonnees:
    return ErreurDonnees(Probleme(nom, "le fichier est vide",
                                  conseil="exportez de nouveau le tableau, avec sa ligne d'en-tête"))


def remplir(tableau: Tableau, rows: list, nom: str, fmt: Format) -> None:
    """Header row(s) and body of the table; `rows` are cell lists (numbered from line 1) or (line, cells).
    Every cell is trimmed and blank rows are skipped, keeping line numbers as the file shows them. When every row
    is as wide (the common case) the cleaning goes column by column, one C-level `map` per column, with no Python
    loop per cell: a file of a million cells is cleaned in a fraction of a second."""
    if rows and isinstance(rows[0], tuple):
        numbered = rows  # CSV records: their cells are text already
    else:
        numbered = [(i + 1, [("" if c is None else str(c)) for c in row]) for i, row in enumerate(rows)]
    n_entete = max(1, fmt.lignes_entete)
    tete = None
    if n_entete > 1:  # several header rows (a form export): the first rows, blank or not, kept apart
        tete, numbered = numbered[:n_entete], numbered[n_entete:]
        if len(tete) < n_entete or not any("".join(r).strip() for _, r in tete):
            raise _vide(nom)
    rapide = bool(numbered) and len({len(r) for _, r in numbered}) == 1 and len(numbered[0][1]) > 0
    if rapide:
        colonnes = [list(map(str.strip, c)) for c in zip(*(r for _, r in numbered), strict=True)]
        remplies = map(any, zip(*colonnes, strict=True))  # blank: each of its cells is empty once trimmed
        propres = map(list, zip(*colonnes, strict=True))
        numbered = [(n, r) for (n, _), r, k in zip(numbered, propres, remplies, strict=True) if k]
    else:
        numbered = [(n, r) for n, r in numbered if "".join(r).strip()]
    if tete is None:
        if not numbered:
            raise _vide(nom)
        tete, body = numbered[:1], numbered[1:]
    else:
        body = numbered
    tableau.ligne_entete = tete[-1][0]
    largeur_lue = max(len(r) for _, r in tete)
    entetes = [[h.strip().lstrip("\ufeff") for h in r] + [""] * (largeur_lue - len(r)) for _, r in tete]
    if fmt.colonnes_sans_titre:  # as wide as the widest row: the reader judges the untitled columns
        largeur_lue = largeur_lue if rapide else max([largeur_lue] + [len(r) for _, r in body])  # rapide: as wide
        entetes = [r + [""] * (largeur_lue - len(r)) for r in entetes]
        width = largeur_lue
    else:
        # trailing empty header cells (Excel leaves some) are dropped with their empty cells
        width = largeur_lue
        while width and not any(r[width - 1] for r in entetes):
            width -= 1
    tableau.entetes = [r[:width] for r in entetes]
    tableau.entete = list(tableau.entetes[fmt.ligne_titres])
    if rapide and body and len(body[0][1]) == width:
        tableau.lignes.extend(body)
        return
    strip, lignes = str.strip, tableau.lignes
    for n, row in body:
        if len(row) == width:
            lignes.append((n, row if rapide else list(map(strip, row))))
            continue
        if "".join(row[width:]).strip():
            if fmt.lignes_entete <= 1 and n == body[0][0] and sum(1 for h in tableau.entete if h) <= 1:
                # one title cell, then a wider row: a title typed above the header in a spreadsheet
                raise ErreurDonnees(Probleme(
                    nom, f"la ligne {tableau.ligne_entete} ne contient qu'un titre, au-dessus de la ligne des noms "
                         "de colonnes", ligne=tableau.ligne_entete,
                    conseil=f"supprimez la ligne {tableau.ligne_entete} dans le tableur, pour que la première ligne "
                            "donne les noms des colonnes, puis enregistrez de nouveau"))
            raise ErreurDonnees(Probleme(nom, f"{len(row)} cellules pour {width} colonnes d'en-tête", ligne=n,
                                         conseil="une valeur contient peut-être le séparateur ; mettez-la entre "
                                                 "guillemets"))
        lignes.append((n, list(map(strip, (row + [""] * width)[:width]))))


def textes_de_type(cellules: np.ndarray, type_) -> Any:
    """`cellules` (an array of strings, NaN for a missing cell; at least one string) as a column of `type_`, the
    type pandas' constructor gives such an array, without checking each cell again (the constructor does: a tenth
    of a second for a large city's budget lines); through the constructor when pandas has no array of that kind to
    wrap them in."""
    if not isinstance(type_, pd.StringDtype):  # text kept as objects (pandas without its string type)
        return cellules
    tableau = type_.construct_array_type()
    if type_.storage == "python" and hasattr(tableau, "_simple_new"):
        return tableau._simple_new(cellules, type_)
    return pd.array(cellules, dtype=type_)


def _en_colonnes(tableau: Tableau, text: str | None, decalage: int, utf8: bytes | None = None) -> bool:
    """Fill `tableau` (header, `table`) from pandas' C parser, as `remplir` would from the csv module: cells
    trimmed (once per distinct value of a column), blank rows dropped, the file's own line numbers. Only a plain
    file: one record a line (no quoted line break), no row wider than the first, no untitled last column, no bare
    CR; False (nothing filled) for any other, which the careful path reads (and refuses with its messages).
    `utf8`: `text` encoded in UTF-8, when the caller has it; without `text`, bytes not yet decoded: a cell that is
    not UTF-8 raises UnicodeDecodeError (pandas decodes each cell strictly), for the caller to decode them."""
    # counted in the UTF-8 bytes when the caller has them (a byte search; CR and LF are never part of a character's
    # other bytes there), as many as in the text
    source, cr, crlf, lf = (text, "\r", "\r\n", "\n") if utf8 is None else (utf8, b"\r", b"\r\n", b"\n")
    if cr in source and source.count(cr) != source.count(crlf):  # a search first: nearly every file has no CR
        return False
    try:
        with _lecture_en_bloc():
            # as categories: each column split into its codes and distinct texts by the parser itself, without a
            # Python string for each cell
            brut = pd.read_csv(io.BytesIO(text.encode("utf-8") if utf8 is None else utf8), sep=tableau.separateur,
                               header=None, dtype="category", na_filter=False, skip_blank_lines=False, engine="c",
                               encoding="utf-8", quoting=csv.QUOTE_MINIMAL, doublequote=True, escapechar=None)
    except UnicodeDecodeError:
        if text is None:
            raise
        return False
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error):
        return False
    if len(brut) != source.count(lf) + (not source.endswith(lf)):  # a quoted cell spans lines
        return False
    vide = np.ones(len(brut), dtype=bool)
    colonnes, distinctes, codes_de = {}, {}, {}
    for j in brut.columns:
        categories = brut[j].array
        codes = np.asarray(categories.codes, dtype=np.intp)  # -1: a short row's missing cell
        valeurs = np.asarray(categories.categories, dtype=object)
        if not isinstance(categories.categories.dtype, pd.StringDtype) and not all(isinstance(v, str)
                                                                                  for v in valeurs):
            return False  # typed by pandas (numbers in every cell, the title too, e.g. « 2024 »): their text is lost
        if max(map(len, valeurs), default=0) > CELLULE_MAX:  # the careful path refuses it with its line
            return False
        propres = np.array([v.strip() for v in valeurs], dtype=object)
        colonnes[j], codes_de[j] = propres[codes], codes
        if len(codes) and codes.min() < 0:  # kept missing (NaN), as the text column held it, unless stripped
            if not (propres != valeurs).any():
                colonnes[j][codes < 0] = np.nan
        else:
            distinctes[j] = (codes, propres)
        vide &= (propres == "")[codes]
    remplies = np.flatnonzero(~vide)
    if not len(remplies):
        raise _vide(tableau.nom)
    tete = remplies[0]
    entete = [str(colonnes[j][tete]).lstrip("\ufeff").strip() for j in brut.columns]
    if not entete[-1]:  # Excel's trailing untitled columns: the careful path drops or refuses them
        return False
    corps = remplies[1:]
    tableau.ligne_entete = int(tete) + 1 + decalage
    tableau.entetes = [entete]
    tableau.entete = list(entete)
    # the body's rows: a view of each column when no blank row breaks them (nearly every file), else a copy
    rangs = slice(int(corps[0]), int(corps[-1]) + 1) if len(corps) and corps[-1] - corps[0] == len(corps) - 1 else corps
    type_ = pd.DataFrame({0: np.array([""], dtype=object)}).dtypes[0]  # the constructor's type for a text column
    # as the constructor types them: text once a body cell holds a string, objects for an empty body (a header
    # alone) or a column of missing cells only
    table = pd.DataFrame({j: textes_de_type(colonnes[j][rangs], type_) if (codes_de[j][rangs] >= 0).any()
                          else colonnes[j][rangs] for j in brut.columns}, copy=False)
    table.index = pd.Index(corps + 1 + decalage, name="ligne")
    tableau.table = table
    for j, (codes, propres) in distinctes.items():  # the body's codes; its values each once, none unused
        codes = codes[corps]
        presentes = np.flatnonzero(np.bincount(codes, minlength=len(propres)))
        nouveaux, valeurs = pd.factorize(propres[presentes])  # two texts that differ by their spaces: one
        renumerotes = np.full(len(propres), -1, dtype=np.intp)
        renumerotes[presentes] = nouveaux
        tableau.distinctes[j] = (renumerotes[codes], np.asarray(valeurs, dtype=object))
    return True


# --------------------------------------------------------------------------- workbooks

def cellule_xlsx(value, horodatage: bool = False) -> str:
    """A workbook cell as text: a whole number without « .0 », a date as AAAA-MM-JJ (with ` HH:MM:SS` for a
    date-time when `horodatage`), a boolean in French."""
    if horodatage and hasattr(value, "hour") and hasattr(value, "year"):
        return value.isoformat(sep=" ", timespec="seconds")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _lire_xlsx(chemin: Path, nom: str, fmt: Format) -> Tableau:
    import openpyxl  # imported only when a workbook is given: most inputs are CSV, and kernels start faster

    try:
        wb = openpyxl.load_workbook(chemin, read_only=True, data_only=True)  # the one time the workbook is opened
    except Exception as exc:  # corrupt or not really a workbook
        raise ErreurDonnees(Probleme(nom, f"classeur illisible ({type(exc).__name__})",
                                     conseil="ouvrez-le dans Excel et enregistrez-le de nouveau en .xlsx")) from exc
    try:
        ws = wb[fmt.feuille] if fmt.feuille and fmt.feuille in wb.sheetnames else _feuille_attendue(wb, fmt)
        autres = tuple(n for n in wb.sheetnames if n != ws.title)
        # read-only: the sheet's XML is read only now, and may be cut or damaged (a copy interrupted)
        try:
            sans_valeur, fusions = _formules_et_fusions(ws)
            with _lecture_en_bloc():
                rows = [[cellule_xlsx(v, fmt.horodatages) for v in row] for row in ws.iter_rows(values_only=True)]
        except MemoryError:
            raise
        except Exception as exc:  # the library's message is not shown: it may quote a cell
            raise ErreurDonnees(Probleme(
                f"{nom} (feuille « {ws.title} »)", f"feuille illisible, le classeur est peut-être abîmé ou tronqué "
                f"({type(exc).__name__})", conseil="ouvrez-le dans Excel et enregistrez-le de nouveau en .xlsx"
            )) from exc
    finally:
        wb.close()
    tableau = Tableau(chemin, "xlsx", decimale=".", feuille=ws.title, personnel=fmt.personnel, autres_feuilles=autres,
                      premiere_feuille=None if ws is wb.worksheets[0] or ws.title == fmt.feuille
                      else wb.worksheets[0].title)
    nom_lu = f"{nom} (feuille « {ws.title} »)"
    # a column computed throughout (a check total the blank sheet fills by formula) holds no typed data: only a
    # formula among typed values would be misread as an empty cell
    debut = next((i for i, r in enumerate(rows, start=1) if any(r)), 0)  # the header's line
    saisies = {c for i, r in enumerate(rows, start=1) if i > debut for c, v in enumerate(r) if v}
    sans_valeur = [(n, c) for n, c in sans_valeur if n > debut and c in saisies]
    if sans_valeur:
        ligne, col = sans_valeur[0]
        # the column by the title the file gives it; by its letter in a file that may hold personal data (or untitled)
        entete = rows[debut - 1] if debut else []
        titre = "" if fmt.personnel or col >= len(entete) or entete[col] is None else str(entete[col]).strip()
        raise ErreurDonnees(Probleme(
            nom_lu, f"{formats.pluriel(len(sans_valeur), 'formule', 'formules')} sans valeur enregistrée (classeur "
                    "écrit par un programme et jamais ouvert dans Excel) : la lire comme une case vide fausserait "
                    "le calcul", ligne=ligne, colonne=titre or lettre(col),
            conseil="ouvrez le classeur dans Excel (ou LibreOffice), puis enregistrez-le : les valeurs des formules "
                    "y sont alors calculées et enregistrées"))
    with _lecture_en_bloc():
        remplir(tableau, rows, nom_lu, fmt)
    donnees = [plage for plage in fusions if plage[2] > tableau.ligne_entete]  # a merged title above: not data
    if donnees:
        plages = ", ".join(p[0] for p in donnees[:5]) + (" …" if len(donnees) > 5 else "")
        raise ErreurDonnees(Probleme(
            nom_lu, f"cellules fusionnées dans le tableau ({plages}) : seule la première case d'une fusion a une "
                    "valeur, les autres seraient lues vides", ligne=donnees[0][1],
            conseil="sélectionnez ces cellules, annulez la fusion (Accueil > Fusionner et centrer) et écrivez la "
                    "valeur dans chaque case"))
    return tableau


#: The first rows of a sheet where `_feuille_attendue` looks for the expected columns (titles above the header)
LIGNES_TITRES = 10


def _feuille_attendue(wb, fmt: Format):
    """The sheet to read when the format names none found: the first, unless it holds none of the expected columns
    (`Format.colonnes_attendues`, without case) in its first rows and exactly one other sheet does (a « Lisez-moi »
    sheet before the data, a sheet added before the table): that one. With several such sheets, the first sheet
    still: which of them is the table is for the user to say (the messages name the sheets)."""
    premiere = wb.worksheets[0]
    if not fmt.colonnes_attendues or len(wb.worksheets) < 2:
        return premiere
    attendues = {a.strip().casefold() for a in fmt.colonnes_attendues}

    def porte(ws) -> bool | None:  # None: the sheet's XML cannot be read (cut, damaged)
        try:
            return any(isinstance(v, str) and v.strip().casefold() in attendues
                       for row in ws.iter_rows(max_row=LIGNES_TITRES, values_only=True) for v in row)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 (the library's error may quote a cell: the reading says what is wrong)
            return None

    if porte(premiere) is not False:  # a first sheet that cannot be read is the one read, and refused as such
        return premiere
    portent = [ws for ws in wb.worksheets[1:] if porte(ws)]
    return portent[0] if len(portent) == 1 else premiere


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _colonne_index(lettres: str) -> int:
    """`A` → 0, `AB` → 27 (the inverse of `lettre`)."""
    n = 0
    for ch in lettres:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _formules_et_fusions(ws) -> tuple[list[tuple[int, int]], list[tuple[str, int, int]]]:
    """([(line, column) of each formula cell with no stored value], [(range, first line, last line) of each merged
    range]) of a read-only worksheet, from its XML in one streaming pass (openpyxl's read-only mode gives neither:
    `data_only` reads a formula with no cached value as an empty cell, and merged ranges are not loaded)."""
    import xml.etree.ElementTree as ET  # with the workbook only

    sans_valeur, fusions = [], []
    try:
        source = ws.parent._archive.open(ws._worksheet_path)
    except (AttributeError, KeyError, OSError):  # not a worksheet openpyxl reads this way: nothing to check
        return sans_valeur, fusions
    with source:
        for _evt, el in ET.iterparse(source):
            if el.tag == _NS + "c":
                f, v = el.find(_NS + "f"), el.find(_NS + "v")
                if f is not None and (v is None or not (v.text or "")) and el.get("t") != "inlineStr":
                    m = _REF.fullmatch(el.get("r", ""))
                    if m:
                        sans_valeur.append((int(m.group(2)), _colonne_index(m.group(1))))
                el.clear()
            elif el.tag == _NS + "row":
                el.clear()
            elif el.tag == _NS + "mergeCell":
                lignes = [int(x) for x in re.findall(r"\d+", el.get("ref", ""))]
                if lignes:
                    fusions.append((el.get("ref", ""), min(lignes), max(lignes)))
    return sans_valeur, fusions


# --------------------------------------------------------------------------- the entry point

def _premiere_ligne(text: str) -> str:
    """The first line of `text` that is not blank (`str.splitlines`' lines), "" when none: looked for in a
    growing start of the text (a large file is not split into its 200 000 lines for its header)."""
    k = 1 << 16
    while True:
        entier = k >= len(text)
        lignes = text[:k].splitlines()
        for i, ligne in enumerate(lignes):
            if ligne.strip():
                if entier or i < len(lignes) - 1:  # the last line of a start may be cut
                    return ligne
                break
        if entier:
            return ""
        k *= 8


def _tableau_csv(chemin: Path, fmt: Format, encodage: str, separateur: str, empreinte: str | None) -> Tableau:
    """The `Tableau` of a CSV file read in `encodage` with `separateur`: a plain CSV (UTF-8, commas) or Excel's, its
    decimal mark the format's, else the comma beside `;`."""
    return Tableau(chemin, "csv" if (encodage == "utf-8" and separateur == ",") else "csv-excel",
                   encodage=encodage, separateur=separateur,
                   decimale=fmt.decimale or ("," if separateur == ";" else "."), personnel=fmt.personnel,
                   sha256=empreinte)


def _debut_utf8(octets: bytes, k: int = 1 << 16) -> str | None:
    """The text of the first whole lines of `octets` (its first `k` bytes, cut after their last line end; all of
    it when shorter), None when they are not UTF-8 or no line ends there."""
    if len(octets) > k:
        fin = octets.rfind(b"\n", 0, k)
        if fin < 0:
            return None
        octets = octets[: fin + 1]
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _utf8_en_colonnes(chemin: Path, nom: str, raw: bytes, fmt: Format, empreinte: str | None
                      ) -> tuple[Tableau | None, bool]:
    """A UTF-8 CSV file (with or without BOM, no `sep=` line) split by pandas' C parser from its bytes, without
    decoding the whole file first (`texte_csv`, a tenth of its reading for a large city's budget lines): the
    parser decodes every cell itself, strictly, and says so when one is not UTF-8. (table, tried): the table as
    `ouvrir` would give it; (None, True) when the parser refused these bytes for their shape, which the careful
    path then reads (`_en_colonnes`); (None, False) for any other file, or one that is not UTF-8 (Windows-1252 as
    Excel saves it), read by `ouvrir` as before."""
    if (raw.startswith((_OLE_MAGIC, b"\xff\xfe", b"\xfe\xff")) or _utf16_sans_bom(raw)
            or b"\x00" in raw):  # refused or decoded by `texte_csv`
        return None, False
    bom = raw.startswith(b"\xef\xbb\xbf")
    corps = raw[3:] if bom else raw
    debut = _debut_utf8(corps)
    if debut is None:
        return None, False
    if _ligne_sep(debut, debut.find("\n")):  # a line before the table: `texte_csv` drops it
        return None, False
    premiere = _premiere_ligne(debut)  # the header, after blanks (within the first lines: else `ouvrir` looks)
    if not premiere:
        return None, False
    tableau = _tableau_csv(chemin, fmt, "utf-8-sig" if bom else "utf-8",
                           detecter_separateur(premiere, fmt.colonnes_attendues), empreinte)
    try:
        fait = _en_colonnes(tableau, None, 0, corps)
    except UnicodeDecodeError:  # not UTF-8: `texte_csv` decodes it as Windows-1252
        return None, False
    return (tableau if fait else None), True


def ouvrir(chemin: str | Path, fmt: Format | None = None) -> Tableau:
    """Read a table's header and rows as text, whatever its form (CSV, Excel's CSV, UTF-16 text, .xlsx).

    Refuses what cannot be read without doubt, with an `ErreurDonnees` saying how to fix it.
    """
    fmt = fmt or Format()
    chemin = Path(chemin)
    nom = config.display_path(chemin)
    raw = octets(chemin, fmt.taille_max)
    empreinte = sha256(raw) if fmt.empreinte else None
    if est_classeur(raw):
        tableau = _lire_xlsx(chemin, nom, fmt)
        tableau.sha256 = empreinte
        return tableau
    colonnaire = fmt.colonnaire and fmt.lignes_entete == 1 and not fmt.colonnes_sans_titre
    if colonnaire:
        tableau, essaye = _utf8_en_colonnes(chemin, nom, raw, fmt, empreinte)
        if tableau is not None:
            return tableau
        colonnaire = not essaye  # pandas refused these very bytes, UTF-8: the careful path reads them
    text, encodage, decalage = texte_csv(raw, nom)
    # the UTF-8 bytes pandas' parser reads: the file's own when it is UTF-8 as read (not encoded a second time)
    utf8 = None if decalage or not colonnaire else raw if encodage == "utf-8" else \
        raw[3:] if encodage == "utf-8-sig" else None
    del raw  # a large file is not held twice
    if fmt.lignes_entete > 1:
        separateur = separateur_entetes(text, fmt.lignes_entete, fmt.separateurs)
    else:
        premiere = _premiere_ligne(text)  # the header, after blanks
        separateur = detecter_separateur(premiere, fmt.colonnes_attendues)
    tableau = _tableau_csv(chemin, fmt, encodage, separateur, empreinte)
    if colonnaire and _en_colonnes(tableau, text, decalage, utf8):
        return tableau
    del utf8
    with _lecture_en_bloc():  # the collector paused until every row is built and cleaned: none is garbage
        remplir(tableau, _lignes_csv(text, separateur, nom, decalage, fmt), nom, fmt)
    return tableau
