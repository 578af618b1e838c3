"""A large hand-over through a file of the run's own folder, not through the kernel's messages.

`Rapport.publier()` hands the runner one JSON text (`sorties.Sorties`) in a display. A large city's every budget
line makes it some megabytes, which the kernel's message then carries as a JSON string inside JSON: encoded again
(every quote escaped, seven hundredths of a second for 2 Mo) and decoded again by the runner before it reads it.
So, in a kernel the runner started (its environment holds the run's salt, `balayage.VARIABLE_SEL`, and this
folder, `VARIABLE`), a text of at least `SEUIL` is written in the folder, whole or not at all, and the display
carries only its name, size and SHA-256 (`deposer`); the runner takes it back by that name from its own folder only,
checks it and removes it (`Dossier.reprendre`). A kernel of JupyterLab, or a small hand-over, displays the text as
before.

The folder is private to the run (`tempfile.mkdtemp`: its user only), removed at the end of the run, and by the
next run when a run was killed (`nettoyer`). What it holds is what the display would have held: the outputs of a
report before its last scan, never published as they are. POSIX only: elsewhere (Windows) nothing could tell a
killed run's folder from a live one's without killing (`os.kill(pid, 0)` ends a process there), so every
hand-over is displayed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from . import balayage, fichiers

#: In a kernel's environment: the run's hand-over folder (unset: every hand-over is displayed).
VARIABLE = "CLN_ANALYSIS_REMISE"
#: From this many characters, a hand-over goes through the folder.
SEUIL = 1 << 20
#: The start of a run's folder's name; the runner's PID follows (`nettoyer`).
PREFIXE = "cln-remise-"
#: The name of a hand-over's file: chosen by the kernel, at random; the runner takes no other.
_NOM = re.compile(r"^[0-9a-f]{32}\.json$")


class RemiseInvalide(ValueError):
    """A hand-over by file that cannot be taken back (absent, changed, not of this run)."""


def deposer(texte: str) -> dict | None:
    """In a kernel the runner started, `texte` (at least `SEUIL` characters) written in the run's folder: what the
    display carries instead ({"fichier", "octets", "sha256"}); None when it is to be displayed as it is (small, no
    folder, or the folder cannot be written: the display still works)."""
    dossier = os.environ.get(VARIABLE)
    if len(texte) < SEUIL or not dossier or not os.environ.get(balayage.VARIABLE_SEL):
        return None
    octets = texte.encode("utf-8", errors="surrogateescape")  # as jupyter_client's encoder gave the text
    nom = f"{secrets.token_hex(16)}.json"
    cible = Path(dossier) / nom
    provisoire = cible.with_suffix(".provisoire")
    try:
        provisoire.write_bytes(octets)
        os.replace(provisoire, cible)  # whole or not at all
    except OSError:
        provisoire.unlink(missing_ok=True)
        return None
    return {"fichier": nom, "octets": len(octets), "sha256": fichiers.sha256(octets)}


class Dossier:
    """The runner's side: the run's folder, made when a kernel's environment asks for it, removed by `fermer`."""

    def __init__(self, actif: bool = os.name == "posix") -> None:
        self.actif = actif
        self.chemin: Path | None = None

    def environnement(self) -> dict[str, str]:
        """What a kernel's environment gets: the folder (made now); nothing where it is not used (`actif`)."""
        if not self.actif:
            return {}
        if self.chemin is None:
            self.chemin = Path(tempfile.mkdtemp(prefix=f"{PREFIXE}{os.getpid()}-", dir=fichiers.dossier_temporaire()))
        return {VARIABLE: str(self.chemin)}

    def reprendre(self, remise: object) -> str:
        """The text a kernel handed over by file (`deposer`'s record), its file removed; RemiseInvalide for a record
        of another shape, a name that is not one `deposer` gives, a file absent from this run's folder, or one
        whose size or hash differ."""
        if not isinstance(remise, dict) or not isinstance(remise.get("fichier"), str):
            raise RemiseInvalide("remise par fichier de forme inattendue")
        nom = remise["fichier"]
        if not _NOM.fullmatch(nom) or self.chemin is None:
            raise RemiseInvalide("remise par fichier hors du dossier de l'exécution")
        chemin = self.chemin / nom
        try:
            octets = chemin.read_bytes()
        except OSError:
            raise RemiseInvalide("remise par fichier absente") from None
        finally:
            chemin.unlink(missing_ok=True)  # taken once
        if len(octets) != remise.get("octets") or fichiers.sha256(octets) != remise.get("sha256"):
            raise RemiseInvalide("remise par fichier modifiée depuis son dépôt")
        return octets.decode("utf-8", errors="surrogateescape")

    def fermer(self) -> None:
        if self.chemin is not None:
            shutil.rmtree(self.chemin, ignore_errors=True)
            self.chemin = None


def nettoyer() -> None:
    """Remove the folders of the runs that ended without removing theirs (`kill -9`). POSIX only (`Dossier`)."""
    fichiers.nettoyer_dossiers_morts(PREFIXE)
