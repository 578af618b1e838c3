"""Inputs read ahead, on a core the run leaves idle: while the kernel of a report run alone starts (a second and a
half of imports, during which the runner only waits), a child of the runner reads a large input the report declares
(`[rapport.prelecture]` in rapports.toml: a parameter and the package's reader of its file, which may take other
parameters of the report after it, `lecteur(avec=...)`: the budget lines with their perimeter and year, the rules
applied there too) and leaves what it read in a file of the run's own temporary folder; the kernel's reader, called
with the same arguments, takes it instead of reading the file again. The
child reads at a lower priority (`PRIORITE`): the kernel's start, which the run waits for, comes first.

The value is the one the kernel would have read: the child is a copy of the runner, whose repository root and
package are the kernel's, and calls the same reader (`lecteur` marks it). The kernel takes it only when every file is
still, by its status, the one the child read (device, inode, size, modification and change times, the same before
and after the child's reading and when the kernel takes it); otherwise, or when the child failed or its value
cannot be read back, the kernel reads the file itself, where its error, if any, is raised as it would have been:
a read ahead costs only time. The warnings the child's reading gave are given again by the kernel (its own filters
decide). Only a public input may be read ahead (the catalogue refuses a personal one): what the child read is
written to a temporary file, removed with its folder at the end of the run.

Linux only, as the other children (`enfants.possible`). Only a kernel the runner started takes a value (its
environment holds the run's salt, `balayage.VARIABLE_SEL`): a kernel of JupyterLab reads its files itself, whatever
its shell exported.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pickle
import select
import shutil
import signal
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import balayage, config, enfants, fichiers

#: In a kernel's environment: the folder of the run's reads ahead (unset: none).
VARIABLE = "CLN_ANALYSIS_PRELECTURE"
#: Seconds a kernel waits at most for a child still reading, before it reads the file itself.
ATTENTE = 120.0
#: How much lower the child reads (`os.nice`): behind the kernel's start and the runner, never behind nothing
PRIORITE = 10


def lecteur(fonction: Callable[..., Any] | None = None, *, avec: tuple[str, ...] = ()) -> Callable:
    """Mark `fonction(chemin, *autres)`, a reader of the package, as one a report may declare in
    `[rapport.prelecture]`: called in a kernel the runner started, it takes the value a child read ahead when
    there is one. `avec`: the report's other parameters the reader is given after the file, in that order (the
    budget lines read with their perimeter and year, the rules applied in the child too); a parameter that is an
    input of the report (`entrees`) is given as its file's `Path`, whose status is checked as the first one's, any
    other as its value. Used as `@lecteur` or `@lecteur(avec=(...))`."""
    if fonction is None:
        return functools.partial(lecteur, avec=tuple(avec))

    @functools.wraps(fonction)
    def lire(chemin: str | Path, *autres: Any) -> Any:
        pris = prendre(fonction, chemin, *autres)
        return fonction(chemin, *autres) if pris is None else pris[0]

    lire.prelecture = fonction  # what the child calls
    lire.avec = tuple(avec)  # what the runner gives it after the file
    return lire


def _marque(nom: str) -> Callable[..., Any]:
    """The reader `module.fonction` of the package as `lecteur` marked it; ValueError when it is not marked."""
    module, _, attribut = nom.rpartition(".")
    fonction = getattr(importlib.import_module(f"{__package__}.{module}"), attribut, None)
    if not callable(getattr(fonction, "prelecture", None)):
        raise ValueError(f"{nom} n'est pas un lecteur marqué par prelecture.lecteur")
    return fonction


def resoudre(nom: str) -> Callable[..., Any]:
    """The function a child calls for the reader `module.fonction` (`budget_lignes.charger`) marked by `lecteur`;
    ValueError otherwise."""
    return _marque(nom).prelecture


def parametres_avec(nom: str) -> tuple[str, ...]:
    """The report's parameters the reader `module.fonction` is given after its file (`lecteur(avec=...)`)."""
    return getattr(_marque(nom), "avec", ())


def _signature(chemin: Path) -> tuple[int, ...] | None:
    """What says that a file has not changed: device, inode, size, modification and change times (None: gone)."""
    try:
        st = os.stat(chemin)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _fichiers(chemin: str | Path, autres: tuple) -> list[Path]:
    """The files a read depends on: the first argument, and every other given as a `Path`."""
    return [Path(chemin), *(a for a in autres if isinstance(a, Path))]


def _signatures(chemin: str | Path, autres: tuple) -> tuple | None:
    """The status of every file of a read (`_signature`); None when one is gone."""
    vues = tuple(_signature(f) for f in _fichiers(chemin, autres))
    return None if None in vues else vues


def _cle(fonction: Callable, chemin: str | Path, *autres: Any) -> str:
    """The name of one read in the run's folder: the reader, the file's resolved path, and the other arguments
    (a `Path` resolved, any other value by its `repr`: the runner and the kernel give the same)."""
    parties = [f"{fonction.__module__}.{fonction.__qualname__}", str(Path(chemin).resolve())]
    parties += [f"P{a.resolve()}" if isinstance(a, Path) else f"V{a!r}" for a in autres]
    return hashlib.sha256(os.fsencode("\0".join(parties))).hexdigest()[:32]


def _lire_et_deposer(fonction: Callable[..., Any], chemin: Path, cible: Path, *autres: Any) -> None:
    """The child: read, then leave (status, value, warnings) at `cible`, whole or not at all; nothing when a file
    changed during the reading (or the reader failed: the kernel reads again, and raises its error)."""
    try:  # the kernel's start first: on a machine of two cores it shares them with the runner and this child, and
        os.nice(PRIORITE)  # a kernel slowed by it is what the run waits for; the child takes what they leave
    except OSError:
        pass
    avant = _signatures(chemin, autres)
    with warnings.catch_warnings(record=True) as vus:
        warnings.simplefilter("always")  # every warning kept: the kernel's filters decide which are shown
        valeur = fonction(chemin, *autres)
    if avant is None or _signatures(chemin, autres) != avant:
        return
    donnes = [(str(v.message), v.category, v.filename, v.lineno) for v in vus]
    provisoire = cible.with_suffix(".provisoire")
    with open(provisoire, "wb") as fh:
        pickle.dump((avant, valeur, donnes), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(provisoire, cible)


def _attendre(pid: int) -> None:
    """Until the process `pid` (a child of the runner, not reaped before the run ends) has ended, `ATTENTE` seconds
    at most; at once when it cannot be watched."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # already reaped, or a system without pidfd: nothing to wait for
        return
    try:
        attente = select.poll()
        attente.register(fd, select.POLLIN)  # readable once the process has ended
        attente.poll(ATTENTE * 1000)
    finally:
        os.close(fd)


def prendre(fonction: Callable, chemin: str | Path, *autres: Any) -> tuple[Any] | None:
    """(value,) that a child read ahead of `fonction(chemin, *autres)`, once it has ended, when every file is as it
    read it; None otherwise (the caller reads it)."""
    dossier = os.environ.get(VARIABLE)
    if not dossier or not os.environ.get(balayage.VARIABLE_SEL):
        return None
    base = Path(dossier) / _cle(fonction, chemin, *autres)
    valeur = base.with_suffix(".pickle")
    if not valeur.exists():
        try:
            pid = int(base.with_suffix(".pid").read_text(encoding="ascii"))
        except (OSError, ValueError):  # no child for this file
            return None
        _attendre(pid)
    try:
        with open(valeur, "rb") as fh:
            signature, lu, vus = pickle.load(fh)  # noqa: S301 (written by a child of the runner that started us)
    except Exception:  # noqa: BLE001 (absent or unreadable: read by the caller)
        return None
    finally:
        valeur.unlink(missing_ok=True)  # taken once: a large read leaves the disk now, not at the run's end
    if signature != _signatures(chemin, autres):
        return None
    for message, categorie, nom, ligne in vus:
        warnings.warn_explicit(message, categorie, nom, ligne)
    return (lu,)


#: The start of a run's folder's name; the runner's PID follows (`nettoyer`)
PREFIXE = "cln-prelecture-"


def nettoyer() -> None:
    """Remove the folders of the runs that ended without removing theirs (`kill -9`)."""
    fichiers.nettoyer_dossiers_morts(PREFIXE)


class Prelectures:
    """The reads ahead of one run: its temporary folder, a child per input read. `fermer()` at the end of the run
    stops the children still reading and removes the folder. `actif`: the run has an input to read ahead (without
    one, no folder is made)."""

    def __init__(self, actif: bool = True) -> None:
        self.actif = actif and enfants.possible()  # no child elsewhere than on Linux: no folder either
        self.dossier: Path | None = None
        self._enfants: list[enfants.Enfant] = []

    def lancer(self, parametres: tuple[tuple[str, str], ...], valeurs: dict[str, object],
               entrees: tuple[str, ...] | list[str] = (), personnelles: tuple[str, ...] | list[str] = ()) -> None:
        """Read ahead, each in a child, the files of the report's declared parameters (`DefinitionRapport.prelecture`:
        (parameter, reader)) given in `valeurs`, with the reader's other parameters (`lecteur(avec=...)`: those
        of `entrees`, the report's inputs, as their files); nothing for a parameter or another input left empty, a
        path that is not a file (the kernel's reader says what is wrong), or a reader given a personal input
        (`personnelles`: its value would be written to a temporary file)."""
        for parametre, nom in parametres:
            valeur = valeurs.get(parametre)
            if valeur in (None, ""):
                continue
            fonction, avec = resoudre(nom), parametres_avec(nom)
            # a personal input is never written to a temporary file; an input left empty is for the kernel's
            # reader to handle (its default, or its refusal): a child would compute something else
            if any(a in personnelles or (a in entrees and valeurs.get(a) in (None, "")) for a in avec):
                continue
            autres = tuple(config.resolve(str(valeurs[a])) if a in entrees else valeurs.get(a) for a in avec)
            self.lire(fonction, config.resolve(str(valeur)), *autres)

    def lire(self, fonction: Callable[..., Any], chemin: Path, *autres: Any) -> None:
        """`fonction(chemin, *autres)` read by a child, for a kernel's `lecteur` to take; nothing when a file of the
        read is not one or no child can be had."""
        if not self.actif or not all(f.is_file() for f in _fichiers(chemin, autres)):
            return
        base = self._dossier() / _cle(fonction, chemin, *autres)
        enfant = enfants.lancer(_lire_et_deposer, fonction, chemin, base.with_suffix(".pickle"), *autres)
        if enfant is not None:
            self._enfants.append(enfant)
            base.with_suffix(".pid").write_text(str(enfant.pid), encoding="ascii")

    def _dossier(self) -> Path:
        if self.dossier is None:
            self.dossier = Path(tempfile.mkdtemp(prefix=f"{PREFIXE}{os.getpid()}-", dir=fichiers.dossier_temporaire()))
        return self.dossier

    def environnement(self) -> dict[str, str]:
        """What a kernel's environment gets: the folder (made now: a kernel started ahead of its wave looks there
        for the reads started when the wave begins); nothing when the run reads nothing ahead."""
        return {VARIABLE: str(self._dossier())} if self.actif else {}

    def fermer(self) -> None:
        """Every child ended (those still reading are stopped: no kernel of the run waits for them any more) and
        waited for; the folder removed."""
        for enfant in self._enfants:
            if not enfant.fini():
                try:
                    os.kill(enfant.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            enfant.fermer()
        self._enfants.clear()
        if self.dossier is not None:
            shutil.rmtree(self.dossier, ignore_errors=True)
            self.dossier = None
