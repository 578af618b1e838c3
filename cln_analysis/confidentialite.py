"""Files that hold names (members' scoring sheets, residents' answers): warn when git would commit them.

A report's `personnels` parameters (see `catalogue`) name such files. When one given on the command line sits
in a folder git tracks (`git check-ignore` says it is not ignored), a `git add .` would publish it with the
project: the officer is told, in French, to move it to `donnees_personnelles/`, which git ignores.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from pathlib import Path

from . import catalogue, config

DOSSIER = "donnees_personnelles"


def suivi_par_git(path: Path, root: Path | None = None) -> bool:
    """True when `path` is inside the git work tree at `root` and not ignored. No git, no repository, a
    path outside it: False (nothing to warn about)."""
    try:
        res = subprocess.run(["git", "-C", str(root or config.ROOT), "check-ignore", "-q", "--", str(path)],
                             capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 1  # 0: ignored; 128: not a repository, or the path is outside it


def exemples_fictifs() -> set[Path]:
    """The invented example files of data/raw/ (resources marked `fictif` in datapackage.json): they hold no
    one's name. Read with json alone: this runs before any report, on the runner's fast path."""
    try:
        ressources = json.loads(config.DATAPACKAGE.read_text(encoding="utf-8"))["resources"]
    except (OSError, ValueError, KeyError):
        return set()
    return {config.raw_file(r["path"]).resolve() for r in ressources if r.get("fictif") and "path" in r}


def avertissements(ids: Iterable[str], parametres: dict[str, str]) -> list[str]:
    """One French warning for each personal file given as a parameter that git would commit (the invented
    examples shipped in data/raw/ excepted)."""
    noms = {n for i in ids if i in catalogue.ids() for n in catalogue.par_id(i).personnels}
    out = []
    for cle, valeur in parametres.items():
        nom = cle.rpartition(".")[2]  # `grille.notes=…` names the report
        if nom in noms and valeur.strip():
            path = config.resolve(valeur.strip())
            if path.resolve() not in exemples_fictifs() and suivi_par_git(path):
                out.append(f"attention : {config.display_path(path)} (paramètre {nom}) contient des noms et se trouve "
                           f"dans un dossier suivi par git : un « git add . » l'enverrait dans le dépôt. "
                           f"Rangez-le dans {DOSSIER}/, que git ignore.")
    return out
