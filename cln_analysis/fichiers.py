"""Files on disk: atomic writes (all or nothing), SHA-256 fingerprints, the git commit they come from. A leaf module.

Every output is written to a temporary file in the staging folder (`build/staging/`, never published; beside
its target only for a target outside the repository), then moved into place, so an interrupted run leaves
either the old file or the new one, never half of one, and nothing of its own under `reports/`; a `Lot` does
the same for all of a report's outputs at once. `nettoyer_preparation` empties the staging folder (a run
killed with `kill -9` leaves it behind) before a run writes anything. Nothing is ever
written under data/raw/. Outputs are world-readable (files 0644, folders 0755) whatever the umask
and although temporary files are created private: a web server can serve `reports/` as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import config
from .erreurs import ErreurEcriture, ErreurUsage

MODE_FICHIER = 0o644
MODE_DOSSIER = 0o755
#: The staging folder's name under build/.
PREPARATION = "staging"


def dossier_preparation(cible: Path) -> Path:
    """Where an output for `cible` is staged: build/staging/ (created) when the target is inside the
    repository, so that a rename moves it into place; the target's own folder otherwise."""
    racine = config.ROOT
    try:
        Path(cible).resolve().relative_to(racine)
    except ValueError:
        return Path(cible).parent
    dossier = config.STAGING_DIR
    _creer_dossier(dossier)
    return dossier


def nettoyer_preparation() -> list[Path]:
    """Remove what an interrupted run left: the staging folder, and the temporary files older versions staged
    beside their targets in reports/ (`.page.html.XXXX.tmp`, `.page.html.ancien`). Returns what was removed."""
    restes = []
    dossier = config.STAGING_DIR
    if dossier.exists():
        restes.append(dossier)
        shutil.rmtree(dossier, ignore_errors=True)
    if config.REPORTS_DIR.is_dir():
        for p in sorted(config.REPORTS_DIR.rglob(".*")):
            if p.name.endswith((".tmp", ".ancien")) and (p.is_file() or p.is_dir()):
                restes.append(p)
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return restes


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


class Lot:
    """A report's outputs as one commit: every file and folder is first written beside its target
    (`fichier`, `dossier`), then `valider` swaps them all in. A failure or an interruption while
    staging (full disk, Ctrl-C) leaves every target untouched and no temporary file behind."""

    def __init__(self) -> None:
        self._fichiers: list[tuple[Path, Path]] = []  # (staged, target)
        self._dossiers: list[tuple[Path, Path]] = []

    def __enter__(self) -> Lot:
        return self

    def __exit__(self, *_) -> None:
        self.annuler()

    def fichier(self, path: Path, contenu: str | bytes) -> None:
        garde_raw(path)
        data = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
        try:
            _creer_dossier(path.parent)
            # the target's suffix kept, so that the last scan reads a staged workbook as one
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                                       dir=dossier_preparation(path))
            self._fichiers.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, MODE_FICHIER)  # mkstemp creates 0600
        except OSError as exc:
            raise ErreurEcriture(config.display_path(path), path.name, exc) from exc

    def dossier(self, path: Path, fichiers: dict[str, str | bytes]) -> None:
        garde_raw(path)
        try:
            _creer_dossier(path.parent)
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=dossier_preparation(path)))
            self._dossiers.append((tmp, path))
            os.chmod(tmp, MODE_DOSSIER)  # mkdtemp creates 0700
            for name, content in fichiers.items():  # a name may hold a subfolder (`archives/a.csv`)
                manquants = [d for d in (tmp / name).parents if d != tmp and tmp in d.parents and not d.exists()]
                for d in reversed(manquants):  # the outermost first, each with the folders' mode
                    d.mkdir()
                    os.chmod(d, MODE_DOSSIER)
                (tmp / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
                os.chmod(tmp / name, MODE_FICHIER)
        except OSError as exc:
            raise ErreurEcriture(config.display_path(path), path.name, exc, dossier=True) from exc

    def valider(self) -> None:
        """Swap every staged file, then every staged folder, into place. If the system refuses one (a
        file open in Excel), those already swapped are put back: the targets are all old or all new."""
        sauvegardes: dict[Path, Path] = {}  # target file -> a copy of its old content
        faits: list[Path] = []
        dossiers: list[tuple[Path, Path]] = []  # (target folder, its old content moved aside)
        cible, dossier = None, False
        try:
            for tmp, path in self._fichiers:
                if path.is_file():
                    cible, sauvegardes[path] = path, tmp.parent / f"{tmp.name}.ancien"
                    sauvegardes[path].unlink(missing_ok=True)
                    try:
                        os.link(path, sauvegardes[path])  # the old content, kept without copying
                    except OSError:
                        shutil.copy2(path, sauvegardes[path])
            for tmp, path in self._fichiers:
                cible = path
                os.replace(tmp, path)
                faits.append(path)
            dossier = True
            for tmp, path in self._dossiers:
                cible, old = path, tmp.parent / f"{tmp.name}.ancien"
                shutil.rmtree(old, ignore_errors=True)
                if path.exists():
                    os.replace(path, old)
                dossiers.append((path, old))
                os.replace(tmp, path)
        except OSError as exc:
            for path, old in reversed(dossiers):
                if path.exists():  # the new folder, swapped in
                    shutil.rmtree(path, ignore_errors=True)
                if old.exists():
                    os.replace(old, path)
            for path in faits:
                if path in sauvegardes:
                    os.replace(sauvegardes.pop(path), path)
                else:
                    path.unlink(missing_ok=True)
            raise ErreurEcriture(config.display_path(cible), cible.name, exc, dossier=dossier) from exc
        finally:
            for copie in sauvegardes.values():
                copie.unlink(missing_ok=True)
        self._fichiers, self._dossiers = [], []
        for _, old in dossiers:
            shutil.rmtree(old, ignore_errors=True)

    def prepares(self) -> list[tuple[Path, Path]]:
        """Every staged file and the target it will replace (a staged folder's files, one by one)."""
        out = list(self._fichiers)
        for tmp, path in self._dossiers:
            out += [(f, path / f.relative_to(tmp)) for f in sorted(tmp.rglob("*")) if f.is_file()]
        return out

    def annuler(self) -> None:
        """Remove whatever is staged and not yet swapped in."""
        for tmp, _ in self._fichiers:
            tmp.unlink(missing_ok=True)
        for tmp, _ in self._dossiers:
            shutil.rmtree(tmp, ignore_errors=True)
        self._fichiers, self._dossiers = [], []


def ecrire_atomique(path: Path, contenu: str | bytes) -> None:
    """Write through a temporary file in the staging folder, then move it into place."""
    with Lot() as lot:
        lot.fichier(path, contenu)
        lot.valider()


def remplacer_dossier(path: Path, fichiers: dict[str, str | bytes]) -> None:
    """Replace a folder's content by `fichiers` as a whole (built aside, then swapped in)."""
    with Lot() as lot:
        lot.dossier(path, fichiers)
        lot.valider()


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


#: `git status` without the notebooks' clean filter (nbstripout starts a Python per notebook, or fails when
#: `.venv/` is not there yet, on a fresh clone's first run): the committed notebooks have no outputs, so their
#: raw content is what the filter would give, and the answer stays the same, fast.
_SANS_FILTRE = ("-c", "filter.nbstripout.clean=", "-c", "filter.nbstripout.smudge=", "-c",
                "filter.nbstripout.process=", "-c", "filter.nbstripout.required=false")
#: How long a git command may take before its answer is given up (seconds; a loaded machine is slow).
ATTENTE_GIT = 30


def commit_git(root: Path | None = None) -> str:
    """The git commit of the repository, « (modifié) » when the work tree differs from it; the commit is known
    whenever git is, even when the check for changes cannot answer."""
    root = root or config.ROOT
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=ATTENTE_GIT)
    except OSError:
        return "inconnu (git absent)"
    except subprocess.SubprocessError:
        return "inconnu (git n'a pas répondu)"
    if head.returncode != 0:
        return "inconnu (pas de dépôt git)"
    commit = head.stdout.strip()
    # what a run writes itself (data/processed/, reports/) is no change of the code or the inputs it ran on: the
    # officer publishes, then commits (docs/guide.md), so a second run would otherwise call the same code modified
    sorties = [f":(exclude){d.relative_to(root).as_posix()}" for d in (config.PROCESSED_DIR, config.REPORTS_DIR)
               if d.is_relative_to(root)]
    try:
        dirty = subprocess.run(["git", "-C", str(root), *_SANS_FILTRE, "status", "--porcelain",
                                "--untracked-files=no", "--", ".", *sorties], capture_output=True, text=True,
                               timeout=ATTENTE_GIT)
    except (OSError, subprocess.SubprocessError):
        return commit + " (modifications non vérifiées)"
    if dirty.returncode != 0:
        return commit + " (modifications non vérifiées)"
    return commit + (" (avec des modifications non enregistrées)" if dirty.stdout.strip() else "")


def chemin_sortie(sortie: str | Path, force: bool = False, suffixes: tuple[str, ...] = (".xlsx", ".csv")) -> Path:
    """The path of a blank sheet (or any file a command writes where the user says; relative to the shell's
    folder): one of `suffixes`, in a folder that exists, never under data/raw/, an existing file only with `force`
    (collected sheets are not overwritten); a usage error otherwise."""
    path = Path(sortie).expanduser().resolve()  # an output the user names: relative to the shell's folder
    permis = " ou ".join(suffixes)
    if config.is_under_raw(path):
        raise ErreurUsage(f"{path} : refus d'écrire dans data/raw/, qui ne contient que les données brutes ; "
                          "choisissez un autre dossier")
    if path.is_dir():
        raise ErreurUsage(f"{path} est un dossier : donnez un nom de fichier ({permis})")
    if path.exists() and not force:
        raise ErreurUsage(f"{path} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer")
    if path.suffix.lower() not in suffixes:
        raise ErreurUsage(f"{path.name} : extension « {path.suffix or '(aucune)'} » non prise en charge ; "
                          f"écrivez un fichier {permis}")
    if not path.parent.is_dir():
        raise ErreurUsage(f"{path.parent} : dossier introuvable")
    return path


#: Linux's folder in memory (a tmpfs): a run's private hand-overs written there, not to a disk's file system (28 Mo,
#: a large city's budget lines read ahead, take 0,013 s there and 0,077 s in an ext4 temporary folder)
EN_MEMOIRE = "/dev/shm"
#: The room it must have free to be used: a container's default (64 Mo) is not enough for a large input's hand-over,
#: which would then fail there and cost its time (`enfants`, `prelecture`, `remise` all fall back to their own work)
EN_MEMOIRE_LIBRE_MIN = 2**30
#: The variables through which a user chooses the temporary folder (`tempfile.gettempdir`'s): then theirs is used
_VARIABLES_TEMPORAIRES = ("TMPDIR", "TEMP", "TMP")
#: The temporary folder tempfile found when this module was imported: one set since (`tempfile.tempdir`, as a test
#: or a caller does) is the caller's choice, used as it is
_TEMPORAIRE_AU_DEPART = tempfile.gettempdir()


def _en_memoire_utilisable(montages: str = "/proc/self/mounts") -> bool:
    """Whether `EN_MEMOIRE` is a tmpfs (as this process's mount table says) that this user may write in, with
    `EN_MEMOIRE_LIBRE_MIN` free."""
    try:
        with open(montages, encoding="utf-8", errors="replace") as fh:
            tmpfs = any(len(champs := ligne.split()) >= 3 and champs[1] == EN_MEMOIRE and champs[2] == "tmpfs"
                        for ligne in fh)
        if not tmpfs or not os.access(EN_MEMOIRE, os.W_OK | os.X_OK):
            return False
        st = os.statvfs(EN_MEMOIRE)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize >= EN_MEMOIRE_LIBRE_MIN


def dossier_temporaire() -> str:
    """Where a run puts its private temporary files — its reads ahead (`prelecture`), the kernel's large hand-over
    (`remise`), its children's values (`enfants`): `EN_MEMOIRE` on Linux when it is usable and the user has not
    chosen a temporary folder (`TMPDIR`, `TEMP`, `TMP`, or `tempfile.tempdir` set since this module was imported),
    else `tempfile.gettempdir()`. Each is a folder only its user may open (`tempfile.mkdtemp`) or a file with no name
    (`tempfile.TemporaryFile`), removed when taken or at the end of the run, as on disk; in memory, its bytes are
    RAM until then, as the page cache holds a file on disk."""
    defaut = tempfile.gettempdir()
    if (sys.platform.startswith("linux") and defaut == _TEMPORAIRE_AU_DEPART
            and not any(os.environ.get(v) for v in _VARIABLES_TEMPORAIRES) and _en_memoire_utilisable()):
        return EN_MEMOIRE
    return defaut


def nettoyer_dossiers_morts(prefixe: str) -> None:
    """Remove the temporary folders `<prefixe><PID>-…` of the runs that ended without removing theirs (`kill -9`):
    those of a PID that no longer runs, in the run's temporary folder, in tempfile's (where an earlier version
    made them, or a run with `TMPDIR` set) and in `EN_MEMOIRE` (where a run without it made them: their bytes are
    RAM until removed). POSIX only: elsewhere (Windows) `os.kill(pid, 0)` would end the process."""
    if os.name != "posix":
        return
    racines = dict.fromkeys((dossier_temporaire(), tempfile.gettempdir(), EN_MEMOIRE))
    for dossier in (d for racine in racines for d in Path(racine).glob(prefixe + "*")):
        try:
            pid = int(dossier.name[len(prefixe):].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:  # its run has ended
            shutil.rmtree(dossier, ignore_errors=True)
        except (ValueError, OSError):  # not a run's folder, or another user's: left as it is
            continue
