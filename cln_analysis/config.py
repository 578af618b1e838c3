"""Every path of the project, in one place: nothing else builds paths."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root. ``CLN_ANALYSIS_ROOT`` overrides it (tests run on copies).
ROOT = Path(os.environ.get("CLN_ANALYSIS_ROOT", Path(__file__).resolve().parents[1])).resolve()

DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"

DATAPACKAGE = RAW_DIR / "datapackage.json"
EXTRA_SCHEMAS_DIR = RAW_DIR / "schemas"
REGISTER = RAW_DIR / "chiffres_publies.csv"
FIGURES_CSV = PROCESSED_DIR / "figures.csv"

#: The published site: the index, the downloads folder and the runner's state (outputs of one report
#: are named by `catalogue.DefinitionRapport`, from these folders).
INDEX_HTML = REPORTS_DIR / "index.html"
DOWNLOADS_DIR = REPORTS_DIR / "donnees"
AUDIT_DIR = REPORTS_DIR / "audit"
EXECUTED_NOTEBOOKS_DIR = REPORTS_DIR / "notebooks"
#: The runner's state is not published (it names local files and error details): outside reports/.
BUILD_DIR = ROOT / "build"
STATE_FILE = BUILD_DIR / "etat.json"
#: Held by a run from reading the state to writing it (two runs at once would lose each other's).
STATE_LOCK = BUILD_DIR / "etat.json.verrou"

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
    """The path as a user should read it: relative to the root when it is inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to((root or ROOT).resolve()).as_posix()
    except ValueError:
        return str(p)


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


#: MIME type of the display by which a notebook hands its outputs to the runner.
SORTIES_MIME = "application/vnd.cln-analysis.sorties+json"
