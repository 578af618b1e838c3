"""The errors a user can meet, each with a French message naming file, row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem found in an input file: where it is, what it is, and how to fix it."""

    fichier: str
    message: str
    ligne: int | None = None
    colonne: str | None = None
    conseil: str | None = None

    def __str__(self) -> str:
        return _sans_longue_citation(self._texte())

    def _texte(self) -> str:
        where = [self.fichier]
        if self.ligne is not None:
            where.append(f"ligne {self.ligne}")
        if self.colonne is not None:
            where.append(f"colonne « {self.colonne} »")
        text = f"{', '.join(where)} : {self.message}"
        if self.conseil:
            text += f" — {self.conseil}"
        return text


#: The longest quotation of a cell a message gives whole; a longer one is cut, with its length.
CITATION_MAX = 200
_CITATION_LONGUE = re.compile(r"«([^»]{%d})([^»]+)»" % CITATION_MAX)


def _sans_longue_citation(texte: str) -> str:
    """A message whose « quotations » of more than CITATION_MAX characters are cut (a cell of 130 000 spaces is
    never printed whole, nor carried into the audit page)."""
    def couper(m: re.Match) -> str:
        from .formats import entier  # Babel: only for such a message

        return f"«{m.group(1).rstrip()}… ({entier(len(m.group(1)) + len(m.group(2)))} caractères) »"

    return _CITATION_LONGUE.sub(couper, texte)


class ErreurCLN(Exception):
    """Base of every error that the command line turns into a French message."""

    code_sortie = 1


class ErreurDonnees(ErreurCLN):
    """An input file is invalid; carries every problem found in it."""

    def __init__(self, problemes: list[Probleme] | Probleme):
        self.problemes = [problemes] if isinstance(problemes, Probleme) else list(problemes)
        super().__init__(self.texte())

    def texte(self, maximum: int = 20) -> str:
        lines = [str(p) for p in self.problemes[:maximum]]
        rest = len(self.problemes) - maximum
        if rest > 0:
            from .formats import pluriel  # Babel: only when needed (the command line's --help stays instant)

            lines.append(f"… et {pluriel(rest, 'autre problème', 'autres problèmes')}.")
        return "\n".join(lines)


class ErreurUsage(ErreurCLN):
    """The command was called wrongly (unknown report, undeclared parameter…)."""

    code_sortie = 2


class ErreurParametre(ErreurCLN):
    """A parameter value the report cannot use (wrong type, out of range)."""

    code_sortie = 2


class ErreurEcriture(ErreurCLN):
    """The system refused to write an output (file open in Excel, read-only file or folder)."""

    def __init__(self, chemin: str, nom: str, cause: OSError, dossier: bool = False):
        quoi = f"les fichiers du dossier {nom}" if dossier else nom
        if isinstance(cause, PermissionError):
            raison = (f"{'un fichier du dossier' if dossier else 'le fichier'} est ouvert dans un autre programme "
                      "(Excel ?) ou en lecture seule")
            conseil = f"fermez {quoi} dans Excel, puis relancez (en lecture seule : rendez-les modifiables)"
        else:
            raison = ("un dossier porte ce nom" if isinstance(cause, IsADirectoryError)
                      else f"le système refuse l'écriture ({cause.strerror or type(cause).__name__})")
            conseil = f"vérifiez que {quoi} peuvent être modifiés, puis relancez"
        if not dossier:
            conseil = conseil.replace("rendez-les modifiables", "rendez-le modifiable").replace(
                "peuvent être modifiés", "peut être modifié")
        super().__init__(f"impossible d'écrire {chemin} : {raison}. Les fichiers précédents sont intacts ; "
                         f"{conseil}.")


def _sous_classes(base: type) -> list[type]:
    return [c for sub in base.__subclasses__() for c in (sub, *_sous_classes(sub))]


def depuis_noyau(nom: str, message: str) -> ErreurCLN | None:
    """The package's error a notebook's kernel raised, as its type again (a kernel reports only the class name
    and the message): an `ErreurCLN` of that class, None when the name is not one of the package's errors."""
    for classe in (ErreurCLN, *_sous_classes(ErreurCLN)):
        if classe.__name__ == nom and classe.__module__.startswith(__package__ or "cln_analysis"):
            erreur = ErreurCLN.__new__(classe)
            Exception.__init__(erreur, message)
            return erreur
    return None


# --- a stop (Ctrl-C, SIGTERM) the runner must not lose --------------------------------------------------------

#: The stop this process received (its exception class), None before one came: see `interrompre`.
_arret_recu: type[KeyboardInterrupt] | None = None


def interrompre(arret: type[KeyboardInterrupt] = KeyboardInterrupt) -> None:
    """What the runner's signal handlers do: raise `arret` in the main thread, as Python's own Ctrl-C handler does,
    and remember it. A compiled library may clear the exception a handler raised while one of its modules was being
    imported (numpy's and pandas' Cython modules register their types with `collections.abc` and clear whatever
    that raises, a KeyboardInterrupt too): the run then went on, and published, as if no Ctrl-C had come (seen once
    in some thirty Ctrl-C during the runner's imports, on a loaded machine). `verifier_arret` raises it again."""
    global _arret_recu
    _arret_recu = arret
    raise arret()


def verifier_arret() -> None:
    """Raise again the stop this process received (`interrompre`), if one came: called by the runner's main thread
    after what may have lost it (its imports, a kernel's start, nbconvert's) and before it writes a report."""
    if _arret_recu is not None:
        raise _arret_recu()


def oublier_arret() -> None:
    """A new command in this process (a test's, in process) starts with no stop received."""
    global _arret_recu
    _arret_recu = None
