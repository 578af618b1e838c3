"""The rerun state: what each report's last run depended on, to skip what has not changed.

A report is redone when its notebook, its parameters, the package, the data package's schemas or the
content of an input it read changed — or when its outputs on disk are not the ones its record
fingerprinted (a run interrupted between writing them and writing the state). The state is
`build/etat.json` (not published, and naming inputs as the audit page does: relative to the repository, else
by file name, never by a local folder), written after the outputs; an unreadable one, or one of the wrong
shape, counts as no state. `verrou()` keeps two runs from losing each other's state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import filelock

from . import __version__, catalogue, config, figures_csv
from .erreurs import ErreurCLN
from .fichiers import ecrire_atomique, sha256
from .sorties import Entree, EtatRapport, FormeInvalide

#: How long a run waits for another one in the same folder before giving up (seconds).
ATTENTE_VERROU = 3600


def empreinte_paquet() -> str:
    """Hash of the package's code, templates and version: a change redoes every report."""
    parts = [__version__.encode()]
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            parts += [p.relative_to(config.PACKAGE_DIR).as_posix().encode(), p.read_bytes()]
    return sha256(b"\0".join(parts))


def empreinte_schemas() -> str:
    """Hash of the data package descriptor and the extra schemas: every input is validated by them."""
    paths = [config.DATAPACKAGE] + sorted(config.EXTRA_SCHEMAS_DIR.glob("*.json"))
    return sha256(b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in paths if p.is_file()))


def cle(rapport: catalogue.DefinitionRapport, parametres: dict, paquet: str,
        sources: dict[str, EtatRapport] | None = None) -> str:
    """What a report's outputs depend on before it runs: notebook, declaration, parameters, package, schemas,
    and the last run of each report it depends on (a source redone makes it out of date)."""
    blob = json.dumps({"notebook": sha256(rapport.notebook), "declaration": repr(rapport), "parametres": parametres,
                       "paquet": paquet, "schemas": empreinte_schemas(),
                       "sources": {i: [s.date_iso, s.sorties] for i, s in sorted((sources or {}).items())}},
                      sort_keys=True, default=str)
    return sha256(blob.encode())


def empreinte_sorties(rapport: catalogue.DefinitionRapport, figures_texte: str) -> dict[str, str]:
    """{output: SHA-256} of what a report has on disk now: pages, executed notebook, tables, and
    its rows of figures.csv. Recorded after a run, compared before the next one."""
    paths = [rapport.page, rapport.page_audit, rapport.notebook_execute, rapport.classeur]
    if rapport.dossier_tableaux.is_dir():
        paths += sorted(rapport.dossier_tableaux.iterdir())
    out = {_nom_sortie(p): sha256(p) for p in paths if p.is_file()}
    rows = [r for r in figures_csv.lire(figures_texte) if r.get("report") == rapport.id]
    out[f"{config.display_path(config.FIGURES_CSV)}#{rapport.id}"] = sha256(figures_csv.ecrire(rows).encode())
    return out


def _nom_sortie(p) -> str:
    """An output as the state names it: relative to the repository (outputs are always inside it; a folder
    configured elsewhere keeps its whole path, so that two outputs of one name never share a record)."""
    try:
        return p.resolve().relative_to(config.ROOT.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def a_jour(rapport: catalogue.DefinitionRapport, k: str, precedent: EtatRapport | dict | None,
           figures_texte: str, parametres: dict | None = None) -> bool:
    """True when the last run of `rapport` succeeded with key `k`, its inputs are unchanged and its
    outputs are still the ones it wrote. A record of the wrong shape is not up to date."""
    try:
        if not isinstance(precedent, EtatRapport):
            precedent = EtatRapport.depuis_json(precedent)
        return (precedent.ok and precedent.cle == k and entrees_inchangees(precedent.entrees, parametres)
                and precedent.sorties == empreinte_sorties(rapport, figures_texte))
    except (FormeInvalide, OSError):
        return False


def entrees_inchangees(entrees: list[Entree], parametres: dict | None = None) -> bool:
    """True when every input the last run read still has the same content. An input outside the repository
    is recorded by its file name only (never a local folder): it is found again among the report's
    parameters (`parametres`, the values of this run) that name a file of that name."""
    par_nom = {Path(str(v).replace("\\", "/")).name: v for v in (parametres or {}).values()
               if isinstance(v, str) and v.strip()}
    for e in entrees:
        path = config.resolve(e.chemin)
        if not path.is_file() and "/" not in e.chemin and e.chemin in par_nom:
            path = config.resolve(par_nom[e.chemin])
        if not path.is_file() or sha256(path) != e.sha256:
            return False
    return True


def lire() -> dict[str, EtatRapport]:
    """The state of the last runs, {report id: record}; {} when missing or unreadable, and a
    record of the wrong shape is dropped."""
    try:
        data = json.loads(config.STATE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for k, v in data.items():
        try:
            out[str(k)] = EtatRapport.depuis_json(v)
        except FormeInvalide:
            continue
    return out


def ecrire(etat: dict[str, EtatRapport]) -> None:
    texte = json.dumps({k: v.vers_json() for k, v in etat.items()}, ensure_ascii=False, indent=1, sort_keys=True)
    ecrire_atomique(config.STATE_FILE, texte)


class ExecutionEnCours(ErreurCLN):
    """Another run holds the lock for too long."""


class VerrouIllisible(ErreurCLN):
    """The lock file cannot be made (a folder in its place, a folder one cannot write in)."""


def verrou(journal: Callable[[str], None] = print) -> filelock.BaseFileLock:
    """The lock held from reading the state to writing it: a second run in the same folder waits
    (saying so), then gives up with a French message after `ATTENTE_VERROU` seconds."""
    lock = filelock.FileLock(str(config.STATE_LOCK))
    nom = config.display_path(config.STATE_LOCK)
    if config.STATE_LOCK.is_dir():
        raise VerrouIllisible(f"{nom} est un dossier, pas le fichier verrou de cln-analysis : supprimez ce dossier "
                              "(aucune donnée n'y est rangée), puis relancez")
    try:
        config.STATE_LOCK.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except filelock.Timeout:  # first: filelock's Timeout is an OSError too
        journal("Une autre exécution de cln-analysis est en cours dans ce dossier : attente de sa fin…")
        try:
            lock.acquire(timeout=ATTENTE_VERROU)
        except filelock.Timeout:
            raise ExecutionEnCours(
                f"une autre exécution occupe ce dossier depuis plus de {ATTENTE_VERROU // 60} minutes "
                f"(verrou {config.display_path(config.STATE_LOCK)}) ; relancez quand elle est terminée") from None
    except OSError as exc:
        raise VerrouIllisible(f"le verrou {nom} ne peut pas être créé ({exc.strerror or exc}) : vérifiez que le "
                              "dossier build/ est un dossier où vous pouvez écrire, puis relancez") from None
    return lock
