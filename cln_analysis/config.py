"""Every path of the project, in one place: nothing else builds paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


#: The repository root. ``CLN_ANALYSIS_ROOT`` sets it for a process (tests run on copies); `definir_racine`
#: and `racine` change it at run time (every path below follows), so a test can run the runner in-process.
def _chemins(root: Path) -> dict[str, Path]:
    """Every path that depends on the repository root."""
    data, reports, build = root / "data", root / "reports", root / "build"
    raw = data / "raw"
    return {
        "ROOT": root,
        "DATA_DIR": data,
        "RAW_DIR": raw,
        "PROCESSED_DIR": data / "processed",
        "NOTEBOOKS_DIR": root / "notebooks",
        "REPORTS_DIR": reports,
        "DATAPACKAGE": raw / "datapackage.json",
        "EXTRA_SCHEMAS_DIR": raw / "schemas",
        "REGISTER": raw / "chiffres_publies.csv",
        "FIGURES_CSV": data / "processed" / "figures.csv",
        # the published site: the index, the downloads folder (outputs of one report are named by
        # `catalogue.DefinitionRapport`, from these folders)
        "INDEX_HTML": reports / "index.html",
        "DOWNLOADS_DIR": reports / "donnees",
        "AUDIT_DIR": reports / "audit",
        "EXECUTED_NOTEBOOKS_DIR": reports / "notebooks",
        # the runner's state is not published (it names local files and error details): outside reports/;
        # its lock is held by a run from reading the state to writing it
        "BUILD_DIR": build,
        "STATE_FILE": build / "etat.json",
        # where outputs are staged before they are swapped in (never published; emptied by every run)
        "STAGING_DIR": build / "staging",
        # what the last run wrote in reports/donnees/ (name → SHA-256): a download a report no longer makes is
        # removed only when it is that file, unchanged; any other file there is reported, never removed
        "DOWNLOADS_MANIFEST": build / "telechargements.json",
        "STATE_LOCK": build / "etat.json.verrou",
        # every report declared once (notebook, key figures, inputs, dependencies)
        "DECLARATIONS": root / "rapports.toml",
        # the inputs the officer publishes with (`run -p` writes it; git-ignored, absent on a fresh clone)
        "LOCAL_PARAMETERS": root / "parametres.local.toml",
    }


def definir_racine(root: str | os.PathLike) -> Path | None:
    """Point every path of the project at `root` (a copy of the repository); returns the previous root."""
    global ROOT, DATA_DIR, RAW_DIR, PROCESSED_DIR, NOTEBOOKS_DIR
    global REPORTS_DIR, DATAPACKAGE, EXTRA_SCHEMAS_DIR, REGISTER, FIGURES_CSV
    global INDEX_HTML, DOWNLOADS_DIR, AUDIT_DIR, EXECUTED_NOTEBOOKS_DIR, BUILD_DIR
    global STATE_FILE, STATE_LOCK, DECLARATIONS, LOCAL_PARAMETERS, STAGING_DIR, DOWNLOADS_MANIFEST
    previous = globals().get("ROOT")
    c = _chemins(Path(root).resolve())
    ROOT = c["ROOT"]
    DATA_DIR = c["DATA_DIR"]
    RAW_DIR = c["RAW_DIR"]
    PROCESSED_DIR = c["PROCESSED_DIR"]
    NOTEBOOKS_DIR = c["NOTEBOOKS_DIR"]
    REPORTS_DIR = c["REPORTS_DIR"]
    DATAPACKAGE = c["DATAPACKAGE"]
    EXTRA_SCHEMAS_DIR = c["EXTRA_SCHEMAS_DIR"]
    REGISTER = c["REGISTER"]
    FIGURES_CSV = c["FIGURES_CSV"]
    INDEX_HTML = c["INDEX_HTML"]
    DOWNLOADS_DIR = c["DOWNLOADS_DIR"]
    AUDIT_DIR = c["AUDIT_DIR"]
    EXECUTED_NOTEBOOKS_DIR = c["EXECUTED_NOTEBOOKS_DIR"]
    BUILD_DIR = c["BUILD_DIR"]
    STATE_FILE = c["STATE_FILE"]
    STAGING_DIR = c["STAGING_DIR"]
    DOWNLOADS_MANIFEST = c["DOWNLOADS_MANIFEST"]
    STATE_LOCK = c["STATE_LOCK"]
    DECLARATIONS = c["DECLARATIONS"]
    LOCAL_PARAMETERS = c["LOCAL_PARAMETERS"]
    return previous


@contextmanager
def racine(root: str | os.PathLike) -> Iterator[Path]:
    """Every path of the project under `root` for the duration of the block (in-process tests)."""
    previous = definir_racine(root)
    try:
        yield ROOT
    finally:
        definir_racine(previous)


def racine_de_l_environnement() -> Path:
    """The root a process starts with: ``CLN_ANALYSIS_ROOT``, else the repository this package lives in. Read at
    import, and again by a kernel forked from a server that had imported this module (`cln_analysis.fourche`)."""
    return Path(os.environ.get("CLN_ANALYSIS_ROOT", Path(__file__).resolve().parents[1]))


definir_racine(racine_de_l_environnement())

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SITE_TEMPLATES_DIR = TEMPLATES_DIR / "site"
STATIC_DIR = PACKAGE_DIR / "static"
STYLESHEET = STATIC_DIR / "cln.css"

#: The locale of everything a user reads.
LOCALE = "fr_FR"


def resolve(path: str | os.PathLike, root: Path | None = None) -> Path:
    """A path given by the user: relative to the repository root, absolute as it is."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (root or ROOT) / p


def display_path(path: str | os.PathLike, root: Path | None = None) -> str:
    """The path as a user should read it: relative to the root when it is inside it, else its file name only
    (a message may reach the audit page and the state: it never names a local folder — issue 23)."""
    p = Path(path)
    try:
        return p.resolve().relative_to((root or ROOT).resolve()).as_posix()
    except ValueError:
        return p.name or str(p)


def download_file(name: str) -> Path:
    """A file of reports/donnees/ (the downloads) by its name."""
    return DOWNLOADS_DIR / name


def raw_file(relative: str) -> Path:
    """A file of data/raw/ named by its data-package path (`appels_standard.csv`)."""
    return RAW_DIR / relative


def extra_schema(name: str) -> Path:
    """The Table Schema of an input accepted but not shipped (data/raw/schemas/<name>.json)."""
    return EXTRA_SCHEMAS_DIR / f"{name}.json"


def is_under_raw(path: Path) -> bool:
    """True when `path` is data/raw/ or inside it (the pipeline never writes there)."""
    raw = RAW_DIR.resolve()
    p = Path(path).resolve()
    return p == raw or raw in p.parents

