"""The reports, as `rapports.toml` declares them (read with tomllib), and every path of one report's outputs.

A new report adds its notebook, its module and a `[[rapport]]` block to `rapports.toml`; the runner, the index,
`cln-analysis check` and the tests take everything else from the `DefinitionRapport` read here. The order of the
blocks is the index's; `ordre_execution`, refined by `depend_de` (graphlib's topological order), is the run's.
"""

from __future__ import annotations

import graphlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import config
from .erreurs import ErreurCLN

#: `{annee}` in a key figure or a figure pattern: a year.
ANNEE = "{annee}"


class ErreurDeclaration(ErreurCLN):
    """rapports.toml is unreadable or inconsistent (unknown dependency, cycle, missing field)."""


@dataclass(frozen=True)
class Bornes:
    """The range of a required context row: strictly above `min_exclu`, at most `max` (None: no bound)."""

    min_exclu: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class DefinitionRapport:
    """A report as declared: id, French title and description, notebook, key-figure templates, the figure
    ids it can produce, its banner, inputs (files, personal, fictitious), `check` rules and dependencies."""

    id: str
    titre: str
    description: str
    chemin_notebook: str = ""
    chiffres_cles: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    banniere: str = ""
    entrees: tuple[str, ...] = ()
    personnels: tuple[str, ...] = ()
    fictifs: tuple[str, ...] = ()
    depend_de: tuple[str, ...] = ()
    verification: tuple[tuple[str, str], ...] = field(default=())  # (resource, "module.function")
    #: (parameter, "module.function"): a public input file that a child reads ahead while the kernel of the report
    #: run alone starts (`prelecture`), with the package's reader its notebook calls
    prelecture: tuple[tuple[str, str], ...] = field(default=())

    # Every path of one report, in one place (as properties: `rapport.page`, `rapport.dossier_tableaux`…).
    @property
    def notebook(self) -> Path:
        """The source notebook."""
        return config.resolve(self.chemin_notebook or f"notebooks/{self.id}.ipynb")

    page = property(lambda self: config.REPORTS_DIR / f"{self.id}.html", doc="The public page.")
    page_audit = property(lambda self: config.AUDIT_DIR / f"{self.id}.html",
                          doc="The audit page (code, parameters, provenance, reconciliation).")
    notebook_execute = property(lambda self: config.EXECUTED_NOTEBOOKS_DIR / f"{self.id}.ipynb",
                                doc="The executed notebook, papermill metadata kept.")
    dossier_tableaux = property(lambda self: config.PROCESSED_DIR / self.id,
                                doc="data/processed/<id>/: the table behind every chart and table.")
    classeur = property(lambda self: config.DOWNLOADS_DIR / f"{self.id}.xlsx",
                        doc="The workbook of every table of the report (reports/donnees/<id>.xlsx).")

    publie = property(lambda self: config.BUILD_DIR / "publies" / f"{self.id}.json",
                      doc="What the last run published, for the reports that depend on it (not published itself).")

    def telechargement(self, nom_tableau: str) -> str:
        """The file name of a table in reports/donnees/ (relative to it)."""
        return f"{self.id}-{nom_tableau}"

    def produit(self, figure_id: str) -> bool:
        """True when `figure_id` is one this report can produce (whether or not this run did)."""
        return any(motif_figure(m).fullmatch(figure_id) for m in self.figures)

    def chiffres_cles_de(self, figure_ids) -> list[str]:
        """The key figures of this run: each template's figure among `figure_ids`, `{annee}` standing for the
        latest year that has it; a template no figure of the run matches gives no card."""
        ids = list(figure_ids)
        out = []
        for modele in self.chiffres_cles:
            motif = motif_figure(modele)
            candidats = [i for i in ids if motif.fullmatch(i)]
            if candidats:
                out.append(max(candidats, key=lambda i: motif.fullmatch(i).groupdict().get("annee") or ""))
        return out


@lru_cache(maxsize=256)
def motif_figure(modele: str) -> re.Pattern:
    """A figure-id pattern as a regular expression: `*` one word, `{annee}` a year (group `annee`)."""
    parts = re.split(r"(\*|\{annee\})", modele)
    expr = "".join({"*": r"[a-z0-9_]+", ANNEE: r"(?P<annee>\d{4})"}.get(p, re.escape(p)) for p in parts)
    return re.compile(expr)


@dataclass(frozen=True)
class Catalogue:
    """Everything rapports.toml declares."""

    rapports: tuple[DefinitionRapport, ...]
    ordre_execution: tuple[str, ...]
    lignes_requises: dict[str, dict[str, Bornes]]


def _texte(d: dict, cle: str, ou: str, defaut: str | None = None) -> str:
    v = d.get(cle, defaut)
    if not isinstance(v, str) or (defaut is None and not v):
        raise ErreurDeclaration(f"{ou} : le champ « {cle} » doit être un texte")
    return v


def _liste(d: dict, cle: str, ou: str) -> tuple[str, ...]:
    v = d.get(cle, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ErreurDeclaration(f"{ou} : le champ « {cle} » doit être une liste de textes")
    return tuple(v)


def _definition(d: dict, n: int, nom: str) -> DefinitionRapport:
    ou = f"{nom}, rapport n° {n}"
    identifiant = _texte(d, "id", ou)
    ou = f"{nom}, rapport « {identifiant} »"
    connus = {"id", "titre", "description", "notebook", "chiffres_cles", "figures", "banniere", "entrees",
              "entrees_personnelles", "entrees_fictives", "depend_de", "verification", "prelecture"}
    if inconnus := sorted(set(d) - connus):
        raise ErreurDeclaration(f"{ou} : champ inconnu « {inconnus[0]} » "
                                f"(champs possibles : {', '.join(sorted(connus))})")
    regles = d.get("verification", {})
    if not isinstance(regles, dict) or not all(isinstance(v, str) and "." in v for v in regles.values()):
        raise ErreurDeclaration(f"{ou} : [rapport.verification] associe une ressource à \"module.fonction\"")
    avance = d.get("prelecture", {})
    if not isinstance(avance, dict) or not all(isinstance(v, str) and "." in v for v in avance.values()):
        raise ErreurDeclaration(f"{ou} : [rapport.prelecture] associe un paramètre à \"module.fonction\"")
    rapport = DefinitionRapport(
        identifiant, _texte(d, "titre", ou), _texte(d, "description", ou), _texte(d, "notebook", ou, ""),
        _liste(d, "chiffres_cles", ou), _liste(d, "figures", ou), _texte(d, "banniere", ou, ""),
        _liste(d, "entrees", ou), _liste(d, "entrees_personnelles", ou), _liste(d, "entrees_fictives", ou),
        _liste(d, "depend_de", ou), tuple(regles.items()), tuple(avance.items()))
    for modele in rapport.chiffres_cles:
        if not rapport.produit(modele.replace(ANNEE, "2000")):
            raise ErreurDeclaration(f"{ou} : le chiffre clé « {modele} » n'est couvert par aucun motif de « figures »")
    if hors := sorted(set(rapport.personnels) - set(rapport.entrees)):
        raise ErreurDeclaration(f"{ou} : « {hors[0]} » est dans entrees_personnelles mais pas dans entrees")
    for parametre, _ in rapport.prelecture:  # what a child reads ahead is written to a temporary file: public only
        if parametre not in rapport.entrees or parametre in rapport.personnels:
            raise ErreurDeclaration(f"{ou} : [rapport.prelecture] « {parametre} » doit être une entrée publique "
                                    "(dans entrees, pas dans entrees_personnelles)")
    return rapport


def _bornes(d: dict, ou: str) -> dict[str, Bornes]:
    out = {}
    for ind, b in d.items():
        if not isinstance(b, dict) or set(b) - {"min_exclu", "max"} or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in b.values()):
            raise ErreurDeclaration(f"{ou}, ligne « {ind} » : écrivez {{ min_exclu = …, max = … }} (nombres)")
        out[ind] = Bornes(b.get("min_exclu"), b.get("max"))
    return out


def lire_declarations(texte: str, nom: str = "rapports.toml") -> Catalogue:
    """The declarations of a rapports.toml text, checked: unique ids, known dependencies, no cycle, an
    execution order that names every report once."""
    try:
        data = tomllib.loads(texte)
    except tomllib.TOMLDecodeError as exc:
        raise ErreurDeclaration(f"{nom} illisible : {exc}") from None
    blocs = data.get("rapport", [])
    if not isinstance(blocs, list) or not blocs:
        raise ErreurDeclaration(f"{nom} : aucun bloc [[rapport]]")
    rapports = tuple(_definition(b, n, nom) for n, b in enumerate(blocs, start=1))
    ids = [r.id for r in rapports]
    if doubles := sorted({i for i in ids if ids.count(i) > 1}):
        raise ErreurDeclaration(f"{nom} : le rapport « {doubles[0]} » est déclaré deux fois")
    for r in rapports:
        if inconnus := [d for d in r.depend_de if d not in ids]:
            raise ErreurDeclaration(f"{nom}, rapport « {r.id} » : depend_de nomme un rapport inconnu « {inconnus[0]} »")
    ordre = _liste(data, "ordre_execution", nom) or tuple(ids)
    if sorted(ordre) != sorted(ids):
        raise ErreurDeclaration(f"{nom} : ordre_execution doit nommer chaque rapport une fois ({', '.join(ids)})")
    lignes = data.get("lignes_requises", {})
    if not isinstance(lignes, dict):
        raise ErreurDeclaration(f"{nom} : [lignes_requises.RESSOURCE] attendu")
    declarations = Catalogue(rapports, ordre, {res: _bornes(b, f"{nom}, [lignes_requises.{res}]")
                                                  for res, b in lignes.items()})
    ordre_topologique(declarations, ids)  # a cycle is an error as soon as the file is read
    return declarations


@lru_cache(maxsize=4)
def _lues(chemin: Path, _mtime_ns: int, _taille: int) -> Catalogue:
    return lire_declarations(chemin.read_text(encoding="utf-8"), config.display_path(chemin))


def declarations() -> Catalogue:
    """The declarations of the repository's rapports.toml (read again when it changes)."""
    chemin = config.DECLARATIONS
    try:
        st = chemin.stat()
    except OSError:
        raise ErreurDeclaration(f"{config.display_path(chemin)} est introuvable : il déclare les rapports") from None
    return _lues(chemin, st.st_mtime_ns, st.st_size)


def ordre_topologique(decl: Catalogue, ids) -> list[str]:
    """`ids` in a run order: each report after the reports it depends on, otherwise as `ordre_execution` says.
    A cycle is an `ErreurDeclaration` naming it."""
    voulus = set(ids)
    rang = {i: n for n, i in enumerate(decl.ordre_execution)}
    par_id = {r.id: r for r in decl.rapports}
    graphe = graphlib.TopologicalSorter({i: [d for d in par_id[i].depend_de if d in voulus] for i in voulus})
    try:
        graphe.prepare()
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        raise ErreurDeclaration(f"rapports.toml : dépendances en cercle : {' → '.join(cycle)}") from None
    out = []
    while graphe.is_active():
        prets = sorted(graphe.get_ready(), key=rang.__getitem__)
        out += prets
        graphe.done(*prets)
    return out


def niveaux(ids) -> list[list[str]]:
    """`ids` in waves: the reports of one wave depend only on reports of earlier waves (run side by side)."""
    decl = declarations()
    ordre = ordre_topologique(decl, ids)
    par_id = {r.id: r for r in decl.rapports}
    vague: dict[str, int] = {}
    for i in ordre:
        vague[i] = 1 + max((vague[d] for d in par_id[i].depend_de if d in vague), default=-1)
    return [[i for i in ordre if vague[i] == n] for n in range(1 + max(vague.values(), default=-1))]


def sources(ids) -> list[str]:
    """`ids` and every report they depend on, directly or not."""
    out, pile = [], list(ids)
    while pile:
        i = pile.pop()
        if i not in out:
            out.append(i)
            pile += par_id(i).depend_de
    return out


def dependants(ids) -> list[str]:
    """Every report that depends, directly or not, on one of `ids` (not `ids` themselves)."""
    out: list[str] = []
    nouveaux = set(ids)
    while nouveaux:
        suivants = {r.id for r in declarations().rapports if set(r.depend_de) & nouveaux} - set(out) - set(ids)
        out += sorted(suivants)
        nouveaux = suivants
    return out


def lignes_requises(ressource: str) -> dict[str, Bornes]:
    """The rows a context file must have, with their ranges (rapports.toml, [lignes_requises.RESSOURCE])."""
    return declarations().lignes_requises.get(ressource, {})


def rapports() -> tuple[DefinitionRapport, ...]:
    """Every report, in the index's order."""
    return declarations().rapports


def par_id(identifiant: str) -> DefinitionRapport:
    for r in rapports():
        if r.id == identifiant:
            return r
    raise KeyError(identifiant)


def ids() -> list[str]:
    return [r.id for r in rapports()]


def __getattr__(nom: str):
    # `catalogue.RAPPORTS`: read from rapports.toml when asked (the root may change at run time)
    if nom == "RAPPORTS":
        return rapports()
    raise AttributeError(nom)
