"""Files on disk: atomic writes (all or nothing) and SHA-256 fingerprints. A leaf module.

Every output is written to a temporary file in its own folder, then moved into place, so an
interrupted run leaves either the old file or the new one, never half of one. Nothing is ever
written under data/raw/. Outputs are world-readable (files 0644, folders 0755) whatever the umask
and although temporary files are created private: a web server can serve `reports/` as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import config
from .erreurs import ErreurEcriture

MODE_FICHIER = 0o644
MODE_DOSSIER = 0o755


def sha256(source: Path | bytes) -> str:
    """The SHA-256 of a file (read by chunks) or of bytes, as hex."""
    h = hashlib.sha256()
    if isinstance(source, bytes):
        h.update(source)
    else:
        with open(source, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def garde_raw(path: Path) -> None:
    """Refuse to write under data/raw/ (raw data is never modified)."""
    if config.is_under_raw(path):
        raise RuntimeError(f"refus d'écrire sous data/raw/ : {path}")


def _creer_dossier(path: Path) -> None:
    """Create a folder and its missing parents, each 0755 (whatever the umask)."""
    manquants = []
    while not path.exists():
        manquants.append(path)
        path = path.parent
    for p in reversed(manquants):
        p.mkdir(exist_ok=True)
        os.chmod(p, MODE_DOSSIER)


def ecrire_atomique(path: Path, contenu: str | bytes) -> None:
    """Write through a temporary file in the same folder, then move it into place."""
    garde_raw(path)
    _creer_dossier(path.parent)
    data = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, MODE_FICHIER)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # Windows refuses to replace a file Excel holds open
            raise ErreurEcriture(config.display_path(path), path.name, exc) from exc
        raise


def remplacer_dossier(path: Path, fichiers: dict[str, str | bytes]) -> None:
    """Replace a folder's content by `fichiers` as a whole (built aside, then swapped in)."""
    garde_raw(path)
    _creer_dossier(path.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old = path.parent / f".{path.name}.ancien"
    try:
        os.chmod(tmp, MODE_DOSSIER)  # mkdtemp creates 0700
        for name, content in fichiers.items():
            (tmp / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            os.chmod(tmp / name, MODE_FICHIER)
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not path.exists():
            os.replace(old, path)
        if isinstance(exc, OSError):  # a file of the folder is open in Excel, or the folder is read-only
            raise ErreurEcriture(config.display_path(path), path.name, exc, dossier=True) from exc
        raise


def verifier_ecriture(chemins: Iterable[Path]) -> None:
    """Raise `ErreurEcriture` before anything is written when an existing output cannot be
    rewritten (open in Excel on Windows, read-only, a folder in its place): then nothing changes."""
    for path in chemins:
        if path.exists():
            try:
                with open(path, "r+b"):
                    pass
            except OSError as exc:
                raise ErreurEcriture(config.display_path(path), path.name, exc) from exc
