"""The last check before publishing: personal strings read in this run, local paths and Python traces in outputs.

The last check of every run (issue 23). The pieces:

- `Collecteur` — a run's in-memory collection of the personal strings its readers met (names, comments, phone
  numbers, IP and e-mail addresses, usernames). It keeps salted hashes of normalised token n-grams and of
  canonical identifiers, never the strings; it writes nothing and shows nothing in its repr.
- `balayer(fichiers, collecteur, racines_locales)` — scans staged outputs (HTML, notebooks, JSON, CSV, `.xlsx`
  unzipped) and returns one `Fuite` per output file and kind of leak: a collected personal string, a local
  absolute path, a Python traceback or warning. A finding names the file and the kind, never the string.
- `capturer_avertissements()` — the kernel side: records the warnings of a block and says in French what the
  officer must know, without a word of their text (which names paths).
- `fichiers_etrangers`, `nettoyer_notebook`, `nommer_entree` — files of `reports/` no run made, an executed
  notebook cleaned before it is published, an input named for publication.

How the runner uses them: one salt and one `Collecteur` per run; the salt reaches each kernel through its
process's environment (`VARIABLE_SEL`), where `Rapport` collects the readers' strings and records the warnings
(`enregistrer_avertissements`) and `Rapport.publier()` hands the hashes (`exporter`) and the French sentences
back in `Sorties`; `publication.publier_rapport` merges them (`fusionner`), cleans the notebook
(`nettoyer_notebook`), stages every output in build/staging/ and scans it (`publication.verifier_avant_publication`)
before the swap — any `Fuite` stops that report's publication, its `message()` said, exit 1.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import os
import re
import secrets
import sys
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path, PurePosixPath, PureWindowsPath

from . import config, fichiers

#: The kinds of leak, as the officer reads them.
PERSONNELLE = "donnée personnelle lue dans les entrées"
CHEMIN = "chemin local"
TRACE = "trace d'erreur Python"
AVERTISSEMENT = "avertissement Python"
ARTICLES = {PERSONNELLE: "une ", CHEMIN: "un ", TRACE: "une ", AVERTISSEMENT: "un "}


@dataclass(frozen=True, order=True)
class Fuite:
    """One output file that must not be published, and why (the kind of leak, never what leaked)."""

    fichier: str
    nature: str

    def message(self) -> str:
        """The French sentence the officer reads: the file, the kind of leak, nothing of what leaked."""
        return f"{self.fichier} n'est pas publié : il contient {ARTICLES.get(self.nature, '')}{self.nature}."


# --- the collector -------------------------------------------------------------------------------------------

#: Longest run of words compared: a collected string of at most this many words is looked for whole,
#: a longer one (a comment) by each of its runs of this many consecutive words.
N_MOTS = 4
#: Words too common to tell anyone apart: a run made only of these (and of numbers and words of fewer than
#: three letters) is not looked for. « Membre 3 » is a pseudonym, not a person.
MOTS_COMMUNS = frozenset("""
    les des une est pas pour sur dans avec par qui que quoi mais ou donc car sans sous chez entre
    aux au du ce cet cette ces son sa ses leur leurs mon ma mes ton ta tes notre nos votre vos
    il elle ils elles on nous vous je tu suis es sont etre être ai as avons avez ont avoir fait
    tres très bien mal plus moins peu trop oui non rien tout tous toute toutes aussi bon bonne
    membre membres répondant repondant répondante participant participante habitant habitante
    anonyme inconnu inconnue nspp sans_avis aucun aucune autre
""".split())
_MOT = re.compile(r"\w+")
#: French phone numbers, national (06 12 34 56 78, 06.12.34.56.78, 0612345678) or international
#: (+33 6 12 34 56 78, 0033 6 …, +33 (0)6 …).
_TEL = re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)([1-9](?:[\s.\-]?\d{2}){4})(?!\d)")
_IPV4 = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_IPV6 = re.compile(r"[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:]*")
#: Literal-led patterns that say an address may stand near (Python's `re` scans for a leading literal fast).
_IPV4_INDICE = re.compile(r"\.\d{1,3}\.")
_IPV6_INDICE = re.compile(r":[0-9a-f]{0,4}:")


def normaliser(texte: str) -> str:
    """NFKC, case folded, every run of spaces (non-breaking ones included) one space."""
    return " ".join(unicodedata.normalize("NFKC", texte).casefold().split())


def _significatif(mot: str) -> bool:
    return len(mot) >= 3 and not mot.isdigit() and mot not in MOTS_COMMUNS


def _telephones(texte: str) -> Iterator[list[str]]:
    """Each French phone number of a text, as the runs of words its usual spellings make (`06 12 34 56 78`,
    `0612345678`, `+33 6 12 34 56 78`, `+33612345678`, `0033 6 …`, `+33 (0)6 …`)."""
    for m in _TEL.finditer(texte):
        n = re.sub(r"\D", "", m.group(1))  # the nine digits after the 0
        paires = [n[i:i + 2] for i in range(1, 9, 2)]
        for suite in (["0" + n], ["0" + n[0], *paires], ["33", n[0], *paires], ["33" + n], ["0033", n[0], *paires],
                      ["33", "0", n[0], *paires], ["0033" + n]):
            yield suite


def _adresses_ip(texte: str) -> Iterator[str]:
    """The IP addresses of a text, as the `ipaddress` module writes them."""
    for rx in (_IPV4, _IPV6):
        for m in rx.finditer(texte):
            try:
                yield str(ipaddress.ip_address(m.group(0).strip(":") if m.group(0).count(":") < 2 else m.group(0)))
            except ValueError:
                pass


def _adresses_ip_proches(texte: str) -> Iterator[str]:
    """The IP addresses of a long text, looked for only near the literals they need."""
    for indice, rx in ((_IPV4_INDICE, _IPV4), (_IPV6_INDICE, _IPV6)):
        fin = -1
        for m in indice.finditer(texte):
            if m.start() < fin:
                continue
            debut, fin = max(0, m.start() - 40), m.end() + 40
            for mm in rx.finditer(texte, debut, fin):
                try:
                    yield str(ipaddress.ip_address(mm.group(0)))
                except ValueError:
                    pass


def sel_de_l_environnement() -> bytes | None:
    """The run's salt, as the runner hands it to each kernel's process (`VARIABLE_SEL`); None outside a run."""
    try:
        return bytes.fromhex(os.environ.get(VARIABLE_SEL, "")) or None
    except ValueError:
        return None


#: The environment variable by which the runner hands its salt to the kernels (never a papermill parameter,
#: never written: the executed notebook records no environment).
VARIABLE_SEL = "CLN_ANALYSIS_SEL"
#: The environment variable by which the runner tells the kernels it runs with `--debug`: their warnings' own
#: text is handed too, for the terminal only (`Avertissements.phrases(brut=True)`).
VARIABLE_DEBUG = "CLN_ANALYSIS_DEBUG"


class Collecteur:
    """The personal strings read in one run, kept as salted hashes in memory only (never written, never shown).

    `ajouter(texte)` takes any cell a reader knows to be personal. Its words are normalised (`normaliser`);
    a string of at most `N_MOTS` words is kept whole, a longer one by each run of `N_MOTS` words, provided
    the run holds one word that tells someone apart (three letters or more, not a number, not in
    `MOTS_COMMUNS`). A phone number is kept by the runs of words of its usual spellings, so that
    « 06 12 34 56 78 », « +33 6 12 34 56 78 » and « 0612345678 » are one number; an IP address by its
    canonical form (`ipaddress`); an e-mail address by its words, as any string.

    Every hash is a BLAKE2b keyed by the run's salt (`sel`, random when not given): a kernel given the run's
    salt (`sel_de_l_environnement`) collects hashes the runner can compare (`exporter` / `fusionner`: hashes
    only, in the notebook's hand-over, which the runner removes before anything is written). A run is looked
    for from its longest word (its anchor): `trouve` hashes each distinct word of a text once and hashes a
    whole run only where an anchor stands.
    """

    __slots__ = ("_sel", "_suites", "_ancres", "_adresses")

    def __init__(self, sel: bytes | None = None) -> None:
        self._sel = sel or secrets.token_bytes(16)
        self._suites: set[int] = set()  # salted hashes of word runs
        self._ancres: dict[int, set[tuple[int, int]]] = {}  # salted hash of an anchor word -> (its offset, run length)
        self._adresses: set[int] = set()  # salted hashes of canonical IP addresses

    def __repr__(self) -> str:
        return f"<Collecteur : {len(self)} empreintes>"

    def __len__(self) -> int:
        return len(self._suites) + len(self._adresses)

    def __bool__(self) -> bool:
        return bool(self._suites or self._adresses)

    def __reduce__(self):  # never pickled, so never written by accident
        raise TypeError("un Collecteur ne s'enregistre pas")

    def _empreinte(self, cle: str) -> int:
        return int.from_bytes(hashlib.blake2b(cle.encode("utf-8"), key=self._sel, digest_size=8).digest(), "big")

    def _mot(self, mot: str) -> int:
        return self._empreinte("\0" + mot)

    def _garder(self, suite: list[str]) -> None:
        self._suites.add(self._empreinte(" ".join(suite)))
        ancre = max(range(len(suite)), key=lambda k: len(suite[k]))
        self._ancres.setdefault(self._mot(suite[ancre]), set()).add((ancre, len(suite)))

    def ajouter(self, texte: object) -> None:
        """Collect one personal string (anything else than a non-empty string is ignored)."""
        if not isinstance(texte, str):
            return
        norm = normaliser(texte)
        if not norm:
            return
        for suite in _telephones(norm):
            self._garder(suite)
        for ip in _adresses_ip(norm):
            self._adresses.add(self._empreinte(ip))
        mots = _MOT.findall(norm)
        n = min(len(mots), N_MOTS)
        for i in range(len(mots) - n + 1):
            suite = mots[i:i + n]
            if any(map(_significatif, suite)):
                self._garder(suite)

    def ajouter_tout(self, textes: Iterable[object]) -> None:
        for t in textes:
            self.ajouter(t)

    def exporter(self) -> dict[str, list]:
        """The hashes only (no string), to hand to the runner's collector of the same salt."""
        return {"suites": sorted(self._suites), "adresses": sorted(self._adresses),
                "ancres": sorted([h, d, n] for h, v in self._ancres.items() for d, n in v)}

    def fusionner(self, donnees: dict | None) -> None:
        """Add the hashes `exporter` gave (by a collector of the same salt: others would never match)."""
        if not donnees:
            return
        self._suites.update(int(h) for h in donnees.get("suites", []))
        self._adresses.update(int(h) for h in donnees.get("adresses", []))
        for h, d, n in donnees.get("ancres", []):
            self._ancres.setdefault(int(h), set()).add((int(d), int(n)))

    def trouve(self, texte: str) -> bool:
        """True when `texte` holds a collected string (a whole short one, or a run of a long one)."""
        if not self:
            return False
        norm = normaliser(texte)
        if self._adresses and any(self._empreinte(ip) in self._adresses for ip in _adresses_ip_proches(norm)):
            return True
        if not self._suites:
            return False
        mots = _MOT.findall(norm)
        par_mot = {m: self._mot(m) for m in set(mots)}
        hashes = [par_mot[m] for m in mots]
        ancres = self._ancres
        presentes = ancres.keys() & set(par_mot.values())
        for h in presentes:  # list.index finds each place an anchor stands without a Python loop over the words
            i = -1
            while True:
                try:
                    i = hashes.index(h, i + 1)
                except ValueError:
                    break
                for decalage, n in ancres[h]:
                    debut = i - decalage
                    if debut >= 0 and debut + n <= len(mots) and \
                            self._empreinte(" ".join(mots[debut:debut + n])) in self._suites:
                        return True
        return False

    contient = trouve


# --- what an output says -------------------------------------------------------------------------------------

#: The top folders of a POSIX system (Linux, macOS) under which a path is a user's or the machine's own: home
#: folders, the temp folders, mounted disks.
#: (As parts: the package names no POSIX path itself, tests/test_installation.py checks it.)
DOSSIERS_POSIX = (("home",), ("root",), ("Users",), ("tmp",), ("private", "var"), ("var", "folders"), ("var", "tmp"),
                  ("mnt",), ("media",))
_POSIX = re.compile(r"(?<![\w.:/\-~])/(?:" + "|".join("/".join(d) for d in DOSSIERS_POSIX) + r")(?![\w.\-])")
_WINDOWS = re.compile(r"[A-Za-z]:/(?=[\w ])", re.ASCII)
_DEUX_POINTS = re.compile(r":[\\/]")
_UNC = re.compile(r"(?<![\w\\])\\\\[\w.$\-]+\\[\w.$\-]+")
_PAQUETS = re.compile(r"\b(?:site|dist)-packages\b")
_TRACES = re.compile(r"Traceback \(most recent call last\)|File \"+[^\"\n]+\"+, line \d+|Cell In\s?\[\d*\], line \d+")
_AVERTISSEMENTS = re.compile(r"\b(?:User|Deprecation|PendingDeprecation|Future|Runtime|Syntax|Resource|Import|"
                             r"Unicode|Bytes|Encoding)Warning\b|\bwarnings\.warn\b|\.py:\d+:")
_POSIX_LITTERAUX = tuple({"/" + d[0] for d in DOSSIERS_POSIX})
_TRACES_LITTERAUX = ("Traceback", '", line ', "Cell In")
_AVERTISSEMENTS_LITTERAUX = ("Warning", "warnings.warn", ".py:")
_BASE64 = re.compile(r"data:[\w/+.\-]+(?:;[\w=\-]+)*;base64,[A-Za-z0-9+/=\s]+")
_BALISE = re.compile(r"<[^<>]*>")
_ATTRIBUT = re.compile(r"\b(?:alt|title|aria-[\w-]+|summary|label|placeholder|value|content|data-[\w-]+)"
                       r"\s*=\s*[\"']([^\"'<>]*)[\"']", re.IGNORECASE)
#: `_ATTRIBUT` for a lower-case text, without its leading `\b`: it then starts with one of a few letters, which
#: the regular expression engine looks for by itself (much faster than trying a word boundary at every position)
_ATTRIBUT_MINUSCULES = re.compile(_ATTRIBUT.pattern.removeprefix(r"\b"))
#: The literal start of each name `_ATTRIBUT_MINUSCULES` matches: a text holding none of them holds no match
_NOMS_ATTRIBUTS = ("alt", "title", "aria-", "summary", "label", "placeholder", "value", "content", "data-")
#: The letters that IGNORECASE matches with an ASCII letter and `str.lower` does not turn into it (re's docs)
_CASSE_SPECIALE = ("\u0130", "\u0131", "\u017f", "\u212a")
_TEXTE = {".html", ".htm", ".svg", ".xml", ".csv", ".tsv", ".txt", ".md", ".css", ".js", ".py", ".toml", ".yaml"}
_JSON = {".ipynb", ".json"}
_ZIP = {".xlsx", ".xlsm", ".docx", ".pptx", ".ods", ".odt", ".zip"}
#: Output mime types that hold base64 (scanned for nothing: a picture's bytes tell nothing).
_BINAIRES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")


def racines_par_defaut() -> list[str]:
    """The local folders no published file may name: the repository, the virtual environment (and the Python it
    runs on), the temp folder (and the run's own, in memory: `fichiers.dossier_temporaire`), the user's home."""
    out = {str(config.ROOT), sys.prefix, sys.base_prefix, tempfile.gettempdir(), fichiers.dossier_temporaire(),
           str(Path.home())}
    return sorted(r for r in out if len(r.strip("/\\")) >= 3)


def _decoder(octets: bytes) -> str:
    try:
        return octets.decode("utf-8-sig")
    except UnicodeDecodeError:
        return octets.decode("cp1252", errors="replace")


def _chaines_json(valeur: object, out: list[str], traces: list[bool]) -> None:
    """Every string of a JSON document (keys included), base64 pictures left out; an error output of a
    notebook counts as a traceback."""
    if isinstance(valeur, str):
        out.append(valeur)
    elif isinstance(valeur, list):
        for v in valeur:
            _chaines_json(v, out, traces)
    elif isinstance(valeur, dict):
        if valeur.get("output_type") == "error":
            traces.append(True)
        for k, v in valeur.items():
            out.append(k)
            if k not in _BINAIRES:
                _chaines_json(v, out, traces)


def _valeurs_attributs(texte: str) -> Iterator[str]:
    """The values of the attributes that hold words, as `_ATTRIBUT.finditer` finds them: on the lower-cased text
    (same length, same word characters) by `_ATTRIBUT_MINUSCULES`, a match kept only at a word boundary (else
    searched again one character further, where `_ATTRIBUT` would have gone on)."""
    minuscules = texte.lower()
    if len(minuscules) != len(texte) or any(c in texte for c in _CASSE_SPECIALE):
        yield from (m.group(1) for m in _ATTRIBUT.finditer(texte))
        return
    if not any(n in minuscules for n in _NOMS_ATTRIBUTS):  # a worksheet's XML: no match possible, no search
        return
    debut = 0
    while (m := _ATTRIBUT_MINUSCULES.search(minuscules, debut)) is not None:
        i = m.start()
        if i and (minuscules[i - 1].isalnum() or minuscules[i - 1] == "_"):  # `\w` before: no word boundary
            debut = i + 1
            continue
        yield texte[m.start(1):m.end(1)]
        debut = m.end()


def _lisible(texte: str) -> str:
    """What a reader of a marked-up text reads: the text between tags, and the attributes that hold words
    (`alt`, `title`, `aria-label`…), entities decoded; the drawing data of SVG (`d`, `points`) left out."""
    attributs = " ".join(_valeurs_attributs(texte))
    return unescape(_BALISE.sub(" ", texte) + " " + attributs)


def _textes(octets: bytes, suffixe: str, lus: bool = True) -> tuple[list[str], list[str], bool]:
    """The texts of one output file (its bytes, its suffix) as written (for paths and traces) and as read (for
    personal strings; none when not `lus`: with no personal string to look for, a large page is not taken apart for
    nothing), and whether its structure shows a traceback (a notebook's error output)."""
    lisible = _lisible if lus else _rien
    suffixe = suffixe.lower()
    if suffixe in _ZIP:
        try:
            with zipfile.ZipFile(io.BytesIO(octets)) as z:
                bruts = [_decoder(z.read(i)) for i in z.infolist() if not i.is_dir()
                         and i.filename.lower().endswith((".xml", ".rels", ".vml", ".txt", ".csv"))]
            return [unescape(t) for t in bruts], [lisible(t) for t in bruts], False
        except zipfile.BadZipFile:
            pass
    texte = _decoder(octets)
    if suffixe in _JSON:
        try:
            doc = json.loads(texte)
        except ValueError:
            return [texte], [texte], False
        out: list[str] = []
        traces: list[bool] = []
        _chaines_json(doc, out, traces)
        texte = _BASE64.sub(" ", "\n".join(out))
        return [texte], [lisible(texte)], bool(traces)
    texte = _BASE64.sub(" ", texte)
    if suffixe in {".html", ".htm", ".svg", ".xml"}:
        return [unescape(texte)], [lisible(texte)], False
    return [texte], [texte], False


def _rien(_texte: str) -> str:
    return ""


def _chemin_windows(texte: str) -> bool:
    """A drive path (`C:\\…`, `C:/Users/…`): a letter alone, a colon, a slash or backslash (not `https://`)."""
    for m in _DEUX_POINTS.finditer(texte):
        i = m.start()
        if i >= 1 and texte[i - 1].isascii() and texte[i - 1].isalpha() and (i < 2 or not texte[i - 2].isalnum()
                                                                           and texte[i - 2] != "_"):
            if m.group(0)[1] == "\\" or _WINDOWS.match(texte, i - 1):
                return True
    return False


@lru_cache(maxsize=8)
def _apres_barre(racines: tuple[str, ...]) -> re.Pattern:
    """One search for what may follow a slash in a local path: a folder of `DOSSIERS_POSIX` (`_POSIX_LITTERAUX`)
    or a local folder of `racines` (each starting with « / »); over a large page, twice as fast as a substring
    test for each. Where it finds nothing, neither `_POSIX` nor any of `racines` can match."""
    suites = sorted({p[1:] for p in _POSIX_LITTERAUX} | {r[1:] for r in racines}, key=len, reverse=True)
    return re.compile("/(?:" + "|".join(map(re.escape, suites)) + ")")


def natures(textes: Iterable[str], collecteur: Collecteur | None = None,
            racines_locales: Iterable[str | Path] = (), lisibles: Iterable[str] | None = None) -> set[str]:
    """The kinds of leak found in some texts: paths and traces in `textes` as written, personal strings in
    `lisibles`, the same texts as read (`textes` themselves when None). Each costly pattern is only tried
    where a literal it needs occurs (a substring test is much cheaper than a regular expression over a page)."""
    textes = list(textes)
    racines = [str(r) for r in racines_locales if len(str(r).strip("/\\")) >= 3]
    posix = tuple(r for r in racines if r.startswith("/"))
    barre = _apres_barre(posix)
    autres = [r for r in racines if not r.startswith("/")]
    found: set[str] = set()
    for t in textes:
        if CHEMIN not in found and ((barre.search(t) and (any(r in t for r in posix) or _POSIX.search(t)))
                                    or _chemin_windows(t) or ("\\\\" in t and _UNC.search(t))
                                    or ("-packages" in t and _PAQUETS.search(t)) or any(r in t for r in autres)):
            found.add(CHEMIN)
        if TRACE not in found and any(p in t for p in _TRACES_LITTERAUX) and _TRACES.search(t):
            found.add(TRACE)
        if AVERTISSEMENT not in found and any(p in t for p in _AVERTISSEMENTS_LITTERAUX) \
                and _AVERTISSEMENTS.search(t):
            found.add(AVERTISSEMENT)
    if collecteur is not None and any(collecteur.trouve(t) for t in (textes if lisibles is None else lisibles)):
        found.add(PERSONNELLE)
    return found


def balayer(fichiers: Iterable[str | Path], collecteur: Collecteur | None = None,
            racines_locales: Iterable[str | Path] | None = None, racine: Path | None = None) -> list[Fuite]:
    """Scan output files before they are published: one `Fuite` per file and kind of leak, sorted.

    `racines_locales` are local folders no output may name (`racines_par_defaut()` when None); `racine` is the
    folder the findings name files from (the repository root by default)."""
    racines = racines_par_defaut() if racines_locales is None else [str(r) for r in racines_locales]
    fuites = set()
    for f in fichiers:
        path = Path(f)
        if not path.is_file():
            continue
        nom = config.display_path(path, racine)
        fuites.update(Fuite(nom, k) for k in natures_du_contenu(path.read_bytes(), path.suffix, collecteur, racines))
    return sorted(fuites)


def natures_du_contenu(octets: bytes, suffixe: str, collecteur: Collecteur | None = None,
                       racines_locales: Iterable[str | Path] | None = None) -> set[str]:
    """The kinds of leak `balayer` finds in a file of these bytes and this suffix (`.html`, `.xlsx`…): the same
    scan, of bytes not yet written (a large page scanned by a child while they are)."""
    racines = racines_par_defaut() if racines_locales is None else [str(r) for r in racines_locales]
    bruts, lisibles, trace = _textes(octets, suffixe, lus=bool(collecteur))  # an empty collector finds nothing
    return natures(bruts, collecteur, racines, lisibles) | ({TRACE} if trace else set())


# --- warnings, on the kernel side ----------------------------------------------------------------------------

#: What the officer must know of a library's warning, by a pattern of its (English) text: said in French,
#: nothing of the original (it names paths), nor the library's name (the officer knows Excel, not openpyxl).
PHRASES = (
    (re.compile(r"Data Validation extension is not supported"),
     "le classeur contient des listes déroulantes (validation des données) : elles ne sont pas lues, les valeurs "
     "des cellules sont lues telles qu'elles sont."),
    (re.compile(r"Conditional Formatting extension is not supported"),
     "le classeur contient une mise en forme conditionnelle : elle n'est pas lue, les valeurs des cellules sont "
     "lues telles qu'elles sont."),
    (re.compile(r"extension is not supported and will be removed"),
     "le classeur contient une fonction d'Excel que la lecture ne connaît pas : elle est ignorée, les valeurs "
     "des cellules sont lues telles qu'elles sont."),
    (re.compile(r"Workbook contains no default style"),
     "le classeur n'a pas de style par défaut : les valeurs sont lues, leur mise en forme est ignorée."),
    (re.compile(r"Could not infer format|Parsing dates in .* format"),
     "une colonne de dates n'a pas un format unique : vérifiez les dates du fichier."),
    # nbformat, in the runner, reading a notebook saved by an older tool (or edited by hand)
    (re.compile(r"Cell is missing an id field"),
     "un notebook a des cellules sans identifiant (enregistré par un ancien outil ou modifié à la main) : il est "
     "exécuté quand même ; ouvrez-le dans JupyterLab (make lab) et enregistrez-le pour le mettre à jour."),
)


@dataclass
class Avertissements:
    """The warnings recorded in a block (`capturer_avertissements`)."""

    enregistres: list[warnings.WarningMessage] = field(default_factory=list)

    def phrases(self, brut: bool = False) -> list[str]:
        """One French sentence for each different thing the officer must know, in order; a warning the
        project does not know is said by its category and the library that gave it, nothing more. With `brut`
        (`--debug`, for the terminal only), each warning's own text follows, as Python prints it."""
        out: list[str] = []
        for w in self.enregistres:
            texte = str(w.message)
            phrase = next((p for motif, p in PHRASES if motif.search(texte)), None)
            if phrase is None:
                phrase = (f"la bibliothèque {_bibliotheque(w.filename)} a émis un avertissement "
                          f"({w.category.__name__}) : relancez avec --debug pour le voir.")
            if phrase not in out:
                out.append(phrase)
        if brut:
            out += [f"(--debug) {w.filename}:{w.lineno}: {w.category.__name__}: {w.message}" for w in self.enregistres]
        return out


def _bibliotheque(filename: str) -> str:
    """The top-level package a warning came from (`openpyxl`), from its file's path; « Python » otherwise."""
    parties = re.split(r"[\\/]", filename or "")
    for marqueur in ("site-packages", "dist-packages"):
        if marqueur in parties and parties.index(marqueur) + 1 < len(parties):
            nom = parties[parties.index(marqueur) + 1]
            return nom.removesuffix(".py") if re.fullmatch(r"[A-Za-z_]\w*(?:\.py)?", nom) else "Python"
    return "Python"


@contextmanager
def capturer_avertissements() -> Iterator[Avertissements]:
    """Record every warning raised in the block instead of printing it (so none reaches a notebook's output)."""
    capture = Avertissements()
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always")
        try:
            yield capture
        finally:
            capture.enregistres.extend(recorded)


def _enregistreur(capture: Avertissements):
    """A `warnings.showwarning` that records into `capture` instead of printing (from any thread: the filters
    still decide which warnings are shown, as Python's defaults or `-W` / PYTHONWARNINGS set them)."""

    def montrer(message, category, filename, lineno, file=None, line=None):
        capture.enregistres.append(warnings.WarningMessage(message, category, filename, lineno, file, line))

    return montrer


def enregistrer_avertissements() -> Avertissements:
    """The kernel side, for a whole process (a report's kernel, whose cells cannot sit in one `with` block):
    from now on every warning shown is recorded instead of printed into the notebook's output. The last call
    replaces the previous record."""
    capture = Avertissements()
    warnings.showwarning = _enregistreur(capture)
    return capture


@contextmanager
def avertissements_du_processus() -> Iterator[Avertissements]:
    """The runner side (the command line's own process: reading inputs, papermill, nbconvert, openpyxl writing
    the workbooks): every warning shown during the block, by any thread, recorded instead of printed raw on the
    terminal; the caller says them in French (`Avertissements.phrases`). Unlike `capturer_avertissements`, the
    filters are left as they are: a warning Python hides by default stays hidden."""
    capture = Avertissements()
    avant = warnings.showwarning
    warnings.showwarning = _enregistreur(capture)
    try:
        yield capture
    finally:
        warnings.showwarning = avant


# --- files of reports/ no run made ---------------------------------------------------------------------------

#: Committed in reports/, made by no run: it belongs.
GARDES = ("README.md",)


def fichiers_etrangers(dossier: Path, attendus: Iterable[str | Path]) -> list[Path]:
    """The files under `dossier` (reports/) that are not among the outputs a run makes (`attendus`), the
    committed README excepted: leftovers of an interrupted run, a questionnaire saved there, a stray copy."""
    dossier = Path(dossier)
    connus = {Path(a).resolve() for a in attendus} | {(dossier / g).resolve() for g in GARDES}
    out = []
    for p in dossier.rglob("*"):
        if (p.is_file() or p.is_symlink()) and p.resolve() not in connus and p.absolute() not in connus:
            out.append(p)
    return sorted(out)


# --- naming an input, cleaning a notebook --------------------------------------------------------------------

_ABSOLU_WINDOWS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def _chemin_pur(chemin: str) -> PurePosixPath | PureWindowsPath:
    return PureWindowsPath(chemin) if _ABSOLU_WINDOWS.match(chemin) or "\\" in chemin else PurePosixPath(chemin)


def est_chemin_absolu(valeur: object) -> bool:
    """True for an absolute path of any OS given as a string (`/home/…`, `C:\\Users\\…`, `\\\\serveur\\…`)."""
    return isinstance(valeur, str) and bool(valeur) and (valeur.startswith(("/", "~")) or
                                                         bool(_ABSOLU_WINDOWS.match(valeur)))


def nommer_entree(chemin: str | Path, racine: Path | None = None, public: bool = False) -> str:
    """An input as a published file names it: its file name on public pages; elsewhere its path relative to
    the repository when it is inside, its file name otherwise. Windows paths are understood on any OS."""
    texte = str(chemin)
    pur = _chemin_pur(texte)
    if public:
        return pur.name
    racine = (racine or config.ROOT).resolve()
    if isinstance(pur, PureWindowsPath) and (pur.drive or pur.root):
        return pur.name
    if isinstance(pur, PureWindowsPath):
        pur = PurePosixPath(*pur.parts)
    chemin_local = Path(pur).expanduser()
    chemin_local = chemin_local if chemin_local.is_absolute() else racine / chemin_local
    try:
        return chemin_local.resolve().relative_to(racine).as_posix()
    except (ValueError, OSError):
        return pur.name


#: Cell metadata an executed notebook keeps: its tags (papermill finds its parameters cell by them) and
#: papermill's record of the cell's execution.
METADONNEES_CELLULE = ("tags", "papermill")
#: Notebook metadata kept: papermill needs the kernelspec; `language_info` and papermill's own record stay.
METADONNEES_NOTEBOOK = ("kernelspec", "language_info", "papermill")
_WIDGETS = "application/vnd.jupyter.widget"


def nettoyer_notebook(nb: dict, racine: Path | None = None) -> dict:
    """An executed notebook as it may be published (changed in place and returned): cell metadata but tags
    and papermill's, attachments and widget state removed; the absolute paths of papermill's record
    (`input_path`, `output_path`, `parameters`) and of its injected-parameters cell named by `nommer_entree`."""
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in METADONNEES_NOTEBOOK}
    pm = nb["metadata"].get("papermill")
    changes: dict[str, str] = {}
    if isinstance(pm, dict):
        for cle in ("input_path", "output_path"):
            if isinstance(pm.get(cle), str):
                pm[cle] = nommer_entree(pm[cle], racine)
        for bloc in ("parameters", "default_parameters"):
            params = pm.get(bloc)
            if isinstance(params, dict):
                for nom, valeur in params.items():
                    if est_chemin_absolu(valeur):
                        params[nom] = changes[valeur] = nommer_entree(valeur, racine)
        pm.pop("environment_variables", None)
    for cell in nb.get("cells", []):
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in METADONNEES_CELLULE}
        cell.pop("attachments", None)
        if changes and "injected-parameters" in cell["metadata"].get("tags", []):
            cell["source"] = _remplacer(cell.get("source", ""), changes)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if isinstance(data, dict):
                for mime in [m for m in data if m.startswith(_WIDGETS)]:
                    del data[mime]
            if isinstance(out.get("metadata"), dict):
                for mime in [m for m in out["metadata"] if m.startswith(_WIDGETS)]:
                    del out["metadata"][mime]
    return nb


def _remplacer(source: str | list[str], changes: dict[str, str]) -> str | list[str]:
    """The injected-parameters cell with each absolute path replaced, quoted as papermill's Python translator
    writes a string (or as `repr` does, for a cell written by hand)."""
    from papermill.translators import PythonTranslator  # only here: papermill is slow to import

    quote = PythonTranslator.translate_str
    paires = [(f(a), f(b)) for a, b in changes.items() for f in (quote, repr)]

    def un(texte: str) -> str:
        for avant, apres in paires:
            texte = texte.replace(avant, apres)
        return texte

    return [un(s) for s in source] if isinstance(source, list) else un(source)


# --- an error message, before it is shown or written ---------------------------------------------------------

#: A value a library quotes in its message ('…' or "…", as `repr` does): a path, or maybe a cell.
_CITATION = re.compile(r"""(?<![\w'"])(['"])(.+?)\1(?![\w'"])""")
_CHEMINS_NUS = re.compile(
    r"(?<![\w.:/\\~\-])(?:~?/(?:[^\s/'\"«»(),;:]+/)+[^\s/'\"«»(),;:]*"  # POSIX (or ~/…), two parts at least
    r"|[A-Za-z]:[\\/](?:[^\s\\/'\"«»(),;]+[\\/])*[^\s\\/'\"«»(),;]*"  # a drive: C:\Users\…
    r"|\\\\[^\s\\]+\\(?:[^\s\\'\"«»(),;]+\\)*[^\s\\'\"«»(),;]*)", re.ASCII)  # a share: \\serveur\partage\…
#: The longest message of a library kept (a pandas message can carry a whole row).
MESSAGE_MAX = 300
ELIDE = "« … »"


def _nom_de_chemin(chemin: str, racine: Path | None) -> str:
    nom = nommer_entree(chemin.rstrip("/\\"), racine)
    return nom or "…"


def reduire_message(texte: str, etranger: bool, collecteur: Collecteur | None = None,
                    racine: Path | None = None, repli: str | None = None) -> str:
    """An error message as it may be shown on the terminal and written to the state and the audit page: every
    absolute path of any OS named as `nommer_entree` does (relative to the repository inside it, else the file
    name). A library's message (`etranger`) also loses every value it quotes (a cell, maybe: `could not convert
    string to float: 'Jeanne Martin'`), but a path's file name, and is cut at `MESSAGE_MAX` characters. Then it
    is scanned as an output is (`natures`: a string this run collected, a local folder, a trace, a warning):
    anything left gives `repli` (by default, « détail non reproduit »), never the text."""
    def citation(m: re.Match) -> str:
        contenu = m.group(2)
        if est_chemin_absolu(contenu):
            return f"« {_nom_de_chemin(contenu, racine)} »"
        return ELIDE if etranger else m.group(0)

    out = _CITATION.sub(citation, texte)
    out = _CHEMINS_NUS.sub(lambda m: _nom_de_chemin(m.group(0), racine), out)
    if etranger:
        out = " ".join(out.split())
        if len(out) > MESSAGE_MAX:
            out = out[:MESSAGE_MAX].rstrip() + "…"
    if natures([out], collecteur, racines_par_defaut()):
        return repli if repli is not None else "détail non reproduit (il citait un chemin local ou une donnée lue)"
    return out
