"""The rerun state: what each report's last run depended on, to skip what has not changed.

A report is redone when its notebook, its parameters, the package or the content of an input it
read changed. The state is `build/etat.json` (not published); an unreadable one counts as no state.
"""

from __future__ import annotations

import json

from . import __version__, catalogue, config
from .fichiers import ecrire_atomique, sha256


def empreinte_paquet() -> str:
    """Hash of the package's code, templates and version: a change redoes every report."""
    parts = [__version__.encode()]
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            parts += [p.relative_to(config.PACKAGE_DIR).as_posix().encode(), p.read_bytes()]
    return sha256(b"\0".join(parts))


def cle(rapport: catalogue.DefinitionRapport, parametres: dict, paquet: str) -> str:
    """What a report's outputs depend on before it runs: notebook, parameters, package."""
    blob = json.dumps({"notebook": sha256(rapport.notebook), "parametres": parametres, "paquet": paquet},
                      sort_keys=True, default=str)
    return sha256(blob.encode())


def entrees_inchangees(entrees: list[dict]) -> bool:
    """True when every input the last run read still has the same content."""
    for e in entrees:
        path = config.resolve(e["chemin"])
        if not path.is_file() or sha256(path) != e["sha256"]:
            return False
    return True


def lire() -> dict:
    """The state of the last runs, {report id: record}; {} when missing or unreadable."""
    try:
        return json.loads(config.STATE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ecrire(etat: dict) -> None:
    ecrire_atomique(config.STATE_FILE, json.dumps(etat, ensure_ascii=False, indent=1, sort_keys=True))
