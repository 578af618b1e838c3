"""What a report notebook publishes: its figures, its tables, its inputs and « Traçabilité ».

A notebook creates one `Rapport`, loads its inputs through it (so each file is hashed), declares its
figures and tables, and ends with `publier()`: the « Traçabilité » section, then the outputs as one
machine-readable display (`sorties.Sorties`, MIME type `sorties.MIME`) that the runner writes to `data/processed/`.
The kernel itself writes no output: a large hand-over goes through a file of the run's private folder, which the
runner takes back and removes (`remise`).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from IPython.display import display

from . import __version__, balayage, catalogue, config, dessins, donnees, formats, registre, remise, rendu
from . import parametres as parametres_mod
from .exports import feuille_codee, feuille_excel, tableau_csv
from .fichiers import commit_git, sha256
from .lecture import collecte
from .rendu import Colonne, Html
from .sorties import MIME, MIME_REMISE, Entree, Feuille, LigneFigure, Sorties, TableauLong

STATUTS = {"match": "Conforme", "mismatch": "Écart", "unpublished": "Non publié"}  # a table cell: upper-case


class Rapport:
    """The outputs of one report run, collected as the notebook goes."""

    def __init__(self, identifiant: str, colonnes: Mapping[str, Colonne] | None = None, **parametres: object):
        """`colonnes`: the analysis module's column declarations (`<module>.COLONNES`); the
        other keyword arguments are the report's parameters, as the notebook received them."""
        parametres_mod.verifier(identifiant, parametres)  # the domains the parameters cell declares
        self.identifiant = identifiant
        self.colonnes = dict(colonnes or {})
        self.parametres = dict(parametres)
        self.debut = dt.datetime.now().astimezone()
        self._t0 = time.perf_counter()
        self.definition = catalogue.par_id(identifiant)
        self.entrees: list[Entree] = []
        self.chiffres: list[registre.Chiffre] = []
        self.tableaux: dict[str, str] = {}
        self.classeur: dict[str, Feuille] = {}
        self.tableaux_longs: dict[str, TableauLong] = {}
        self._graphiques = 0
        self._atelier: dessins.Atelier | None = None  # the charts drawn by child processes, when the runner allows
        self._dessines: dict[str, str] | None = None  # their drawings, once `publier` gathered them
        self._registre_publie: dict[str, str] | None = None
        self.hypotheses: list[str] = []
        self.fictif = False
        self.titre: str | None = None  # the page title, when the notebook sets it from its data
        self.texte_fictif: str | None = None  # the banner's text, when the fictitious file or the report declares one
        # the last scan before publishing: what the readers hand over, as hashes salted by the run (its salt is in
        # this kernel's environment only), and the warnings of the libraries, said in French on the terminal
        sel = balayage.sel_de_l_environnement()
        self._collecteur = collecte.collecter_dans_le_processus(balayage.Collecteur(sel)) if sel else None
        self._avertissements = balayage.enregistrer_avertissements()
        self._attention: list[str] = []  # what the report itself must tell the officer (`attention`)

    # ------------------------------------------------------------------ inputs
    def entree(self, chemin: str | Path, role: str, lecture: str = "", ressource: str | None = None,
               sha256_lu: str | None = None) -> Path:
        """Record an input file (hashed now) and return its resolved path. When it is the file of a
        data-package resource marked `fictif`, the report carries the « Données fictives » banner. `sha256_lu`:
        the hash of the bytes its reader read (`lecture.Format.empreinte`), recorded instead of reading the file
        again (those bytes are what the report used)."""
        path = config.resolve(chemin)
        if ressource is not None:
            self._marquer_fictif(path)
        nom = balayage.nommer_entree(path)  # relative to the repository, else the file name: never a local folder
        if path.is_file() and not any(x.chemin == nom for x in self.entrees):
            self.entrees.append(Entree(nom, role, sha256_lu or sha256(path), lecture))
        return path

    def lire(self, lecteur: Callable[..., pd.DataFrame], chemin: str | Path | None, role: str, *args,
             ressource: str | None = None) -> pd.DataFrame | None:
        """`lecteur(chemin, *args)` (a reader of the package that puts how it read the file in its table's
        `.attrs["lecture"]`), the file then recorded with that reading (« Lu comme »); None, and nothing recorded,
        for an optional input left empty."""
        if chemin in (None, ""):
            return None
        table = lecteur(config.resolve(chemin), *args)
        self.entree(chemin, role, table.attrs.get("lecture", ""), ressource=ressource)
        return table

    def charger(self, nom_ressource: str, chemin: str | Path | None = None) -> pd.DataFrame:
        """Load and validate a resource of the data package (see `donnees.charger`), recording it."""
        res = donnees.ressource(nom_ressource)
        path = config.resolve(chemin) if chemin not in (None, "") else config.raw_file(res["path"])
        df = donnees.charger(nom_ressource, path)
        self.entree(path, res.get("title", nom_ressource), df.attrs.get("lecture", ""))
        self._marquer_fictif(path)
        return df

    def _marquer_fictif(self, path: Path) -> None:
        """The « Données fictives » banner when `path` is the file of one of the report's declared fictitious
        inputs (`entrees_fictives` in rapports.toml), e.g. the trial example read in place of the call file; its
        text is the resource's `banniere`, else the report's."""
        for nom in self.definition.fictifs:
            if path.resolve() == config.raw_file(donnees.ressource(nom)["path"]).resolve():
                self.marquer_fictif(nom)

    def marquer_fictif(self, ressource: str) -> None:
        """The « Données fictives » banner of the declared fictitious input `ressource`, for a file that is that
        example by its content, wherever it lies and however it was saved (the budget lines' example, saved as
        .xlsx by the officer: its SIRET is the example's)."""
        res = donnees.ressource(ressource)
        self.fictif = True
        self.texte_fictif = res.get("banniere") or self.texte_fictif or self.definition.banniere

    # ------------------------------------------------------------------ outputs
    def chiffre(self, figure_id: str, label: str, value: float, unit: str, formula: str,
                decimales: int | None = None) -> float:
        """Declare a headline figure; returns the value so prose can use it."""
        if any(c.figure_id == figure_id for c in self.chiffres):
            raise ValueError(f"chiffre déclaré deux fois : {figure_id}")
        self.chiffres.append(
            registre.Chiffre(figure_id, self.identifiant, label, float(value), unit, formula, decimales))
        return value

    def tableau(self, nom: str, df: pd.DataFrame, legende: str, formats: Mapping[str, Callable] | None = None,
                libelles: Mapping[str, str] | None = None, note: str | None = None, entete_ligne: bool = True) -> Html:
        """Record the table as `data/processed/<id>/<nom>.csv` and return its accessible HTML, its
        columns titled and formatted by the module's `COLONNES` (`formats`/`libelles` override)."""
        self.tableaux[f"{nom}.csv"] = tableau_csv(df)
        colonnes = {c: k.format for c, k in self.colonnes.items() if k.format is not None} | dict(formats or {})
        titres = {c: k.libelle for c, k in self.colonnes.items()} | dict(libelles or {})
        self.classeur[nom] = feuille_excel(df, legende, titres, colonnes)
        return self.afficher_tableau(df, legende, formats, libelles, note=note, entete_ligne=entete_ligne)

    def afficher_tableau(self, df: pd.DataFrame, legende: str, formats: Mapping[str, Callable] | None = None,
                         libelles: Mapping[str, str] | None = None, note: str | None = None,
                         entete_ligne: bool = True) -> Html:
        """A table shown on the page only (not written to data/processed/), with the module's columns."""
        return rendu.tableau(
            df, legende, formats, libelles, entete_ligne=entete_ligne, note=note, colonnes=self.colonnes
        )

    def tableau_long(self, nom: str, df: pd.DataFrame, legende: str, formats: Mapping[str, Callable] | None = None,
                     libelles: Mapping[str, str] | None = None, entete_ligne: bool = True,
                     classeur: bool = False) -> Html:
        """A table of the page too long for the notebook's output (tens of thousands of rows): its texts go to the
        runner with the other outputs, which writes it at the placeholder returned here once nbconvert is done
        (neither the notebook nor nbconvert's parse carry it). Not written to data/processed/. `classeur`: also
        the workbook's sheet `nom`, from the same French texts (each value formatted once for both)."""
        if not nom.isidentifier() or not nom.isascii() or nom in self.tableaux_longs:
            raise ValueError(f"nom de tableau long invalide ou déjà pris : {nom!r}")
        factorisees = rendu.factoriser(df)  # each column split once, for the page's table and the sheet
        t = self.tableaux_longs[nom] = rendu.tableau_long(df, legende, formats, libelles, entete_ligne, self.colonnes,
                                                          factorisees)
        if classeur:
            colonnes = {c: k.format for c, k in self.colonnes.items() if k.format is not None} | dict(formats or {})
            titres = {c: k.libelle for c, k in self.colonnes.items()} | dict(libelles or {})
            self.classeur[nom] = feuille_codee(df, legende, titres, colonnes, t, factorisees)
        return Html(TableauLong.marque(nom))

    def graphique(
        self, fig, alternative: str, legende: str, tableau: Html | None = None, source: str = rendu.SOURCE_PRESENTATION
    ) -> Html:
        """A chart with its text alternative, followed by the table behind it. When the report reads
        fictitious data, a source other than the city's presentation is captioned as fictitious."""
        # imported here: a report without charts (bilan) never loads matplotlib (about 1 s of a kernel's start)
        from . import graphiques

        self._graphiques += 1
        prefixe = f"g{self._graphiques}"
        if self._atelier is None and self._dessines is None and dessins.places_de_l_environnement():  # idle core
            self._atelier = dessins.Atelier(dessins.places_de_l_environnement(), graphiques.en_svg)
        dessin = self._atelier.dessin(fig, prefixe) if self._atelier else graphiques.en_svg(fig, prefixe)
        if self.fictif and source != rendu.SOURCE_PRESENTATION:
            source = f"exemple fictif, inventé pour montrer la forme du rapport (à la place de : {source})"
        return Html(rendu.graphique(dessin, alternative, legende, source) + (tableau or ""))

    def affiche(self, figure_id: str) -> str:
        """A declared figure as every page shows it (card, prose, index), by `registre.affichage`: the
        precision of its published text, else the decimals declared with it, else its unit's default."""
        c = next((c for c in self.chiffres if c.figure_id == figure_id), None)
        if c is None:
            raise KeyError(f"chiffre non déclaré : {figure_id}")
        if self._registre_publie is None:
            self._registre_publie = registre.publies_depuis(donnees.charger("chiffres_publies", config.REGISTER))
        return registre.affichage(c.value, c.unit, self._registre_publie.get(figure_id, ""), c.decimales, figure_id)

    def valeur(self, figure_id: str) -> Html:
        """`affiche` as HTML for prose, marked with the figure's id (`data-chiffre`) so that a test can check
        that every place showing it shows the same text."""
        return rendu.chiffre_marque(figure_id, self.affiche(figure_id))

    def cle(self, figure_id: str, libelle: str, suffixe: str = "") -> tuple[Html, str]:
        """One card of the key-figures strip (`rendu.chiffres_cles`): the figure as `valeur` shows it, then
        `suffixe` (` / 4`)."""
        return self.valeur(figure_id) + suffixe, libelle

    def attention(self, *phrases: str) -> None:
        """French sentences the officer must read on the terminal (« attention, budget : … »), with the libraries'
        warnings: what the data suggests went wrong without being an error (a rule that a lost zero keeps from
        catching its lines). Public data only: they are printed, as the page is."""
        self._attention.extend(p for p in phrases if p not in self._attention)

    def hypothese(self, *textes: str) -> None:
        """Add to « Hypothèses et limites »."""
        self.hypotheses.extend(textes)

    # ------------------------------------------------------------------ end
    def rapprochement(self) -> pd.DataFrame:
        path = config.REGISTER
        table = donnees.charger("chiffres_publies", path)
        self.entree(path, "Registre des chiffres publiés (comparaison seulement)", table.attrs.get("lecture", ""))
        publies = registre.publies_depuis(table)
        return registre.rapprocher(self.chiffres, publies)

    def tracabilite(self, rapprochement: pd.DataFrame, commit: str | None = None) -> Html:
        """« Traçabilité », rendered by `rendu.tracabilite` from what this object collected; `commit`: the
        repository's (`commit_git`), when asked already."""
        duree = time.perf_counter() - self._t0
        params, params_publics = (pd.DataFrame(
            {"parametre": list(self.parametres),
             "valeur": [_valeur_parametre(v, public) for v in self.parametres.values()]}) for public in (False, True))
        files, files_publics = (pd.DataFrame(
            [(balayage.nommer_entree(e.chemin, public=public), e.role, e.lecture, e.sha256) for e in self.entrees],
            columns=["chemin", "role", "lecture", "sha256"]) for public in (False, True))
        execution = [
            f"Paquet cln_analysis, version {__version__}",
            f"Commit git : {commit_git() if commit is None else commit}",
            f"Début : {formats.date_heure(self.debut)}",
            f"Durée du calcul : {formats.duree(duree)}",
        ]
        declarees = {c.figure_id: c.decimales for c in self.chiffres}
        view = pd.DataFrame(
            {
                "figure_id": rapprochement["figure_id"],
                "label": rapprochement["label"],
                "valeur_calculee": [  # as the page shows it: the same rule, the same decimals
                    registre.affichage(float(v), u, p, declarees.get(i), i)
                    for i, v, u, p in zip(rapprochement["figure_id"], rapprochement["value"], rapprochement["unit"],
                                          rapprochement["published"], strict=False)
                ],
                "published": rapprochement["published"].replace("", "—"),
                "status": rapprochement["status"].map(STATUTS),
            }
        )
        n = rapprochement["status"].value_counts()
        conformes = formats.pluriel(
            n.get("match", 0), "chiffre conforme", "chiffres conformes", "aucun chiffre conforme"
        )
        bilan = f"{conformes}, {formats.pluriel(n.get('mismatch', 0), 'écart', 'écarts', 'aucun écart')}"
        if n.get("unpublished", 0):
            bilan += f" ; {formats.pluriel(n.get('unpublished', 0), 'chiffre', 'chiffres')} sans équivalent publié"
        note = (
            formats.phrase(bilan) + ". Un chiffre est conforme quand sa valeur, arrondie comme le document l'arrondit, "
            "est égale au chiffre imprimé."
        )
        d = self.definition
        lien = os.path.relpath(d.page_audit, d.page.parent).replace("\\", "/") + "#rapprochement"
        return rendu.tracabilite(params, files, execution, self.hypotheses, view, note, lien,
                                 publics=(params_publics, files_publics))

    def publier(self) -> None:
        """Display « Traçabilité », then hand every output to the runner."""
        # what needs no chart, first, while children still draw (a large city's every budget line: a tenth of a
        # second the kernel would otherwise spend waiting for them): the reconciliation, the commit, the heavy
        # part of the hand-over (tables, sheets, long tables), which nothing after this changes
        rap = self.rapprochement()
        commit = commit_git()
        lourds = Sorties(rapport=self.identifiant, figures=[], tableaux=self.tableaux, entrees=[],
                         classeur=self.classeur, tableaux_longs=self.tableaux_longs).texte_lourds()
        # the charts children drew: a warning of theirs is shown here, before the warnings are said; a chart made
        # after this (a cell below, a second `publier`) is drawn in place
        self._dessines = (self._dessines or {}) | (self._atelier.recueillir() if self._atelier else {})
        self._atelier = None
        graphiques = dict(self._dessines)
        display(self.tracabilite(rap, commit))
        cartes = self.definition.chiffres_cles_de(c.figure_id for c in self.chiffres)
        sorties = Sorties(
            rapport=self.identifiant,
            figures=[LigneFigure(**{k: r[k] for k in LigneFigure.__dataclass_fields__})
                     for r in rap.to_dict(orient="records")],
            tableaux=self.tableaux, entrees=self.entrees, classeur=self.classeur, fictif=self.fictif,
            texte_fictif=self.texte_fictif if self.fictif else None, titre=self.titre,
            # the index shows the key figures exactly as this page does (one precision per figure)
            cartes=[(fid, self.affiche(fid)) for fid in cartes],
            # hashes only, removed by the runner before anything is written
            empreintes=self._collecteur.exporter() if self._collecteur else None,
            avertissements=self._attention + self._avertissements.phrases(
                brut=os.environ.get(balayage.VARIABLE_DEBUG) == "1"),
            textes={c.figure_id: self.affiche(c.figure_id) for c in self.chiffres},
            parametres={n: _valeur_parametre(v) for n, v in self.parametres.items()},
            tableaux_longs=self.tableaux_longs, graphiques=graphiques,
        )
        # one JSON string, not the object: nbclient would make every list of it a notebook node and papermill
        # deep-copy and encode them all again (a large city's every budget line: seconds); the runner parses it once
        texte = sorties.texte(lourds)
        par_fichier = remise.deposer(texte)  # large, in a kernel the runner started: through the run's folder
        display({MIME: texte} if par_fichier is None else {MIME_REMISE: par_fichier}, raw=True)


def _valeur_parametre(v: object, public: bool = False) -> str:
    """A parameter as the reader should see it (an empty one says so, in French); a path by `nommer_entree`
    (its file name on the public page; on the audit page relative to the repository, else its file name)."""
    if v is None:
        return "(vide)"
    if not isinstance(v, str):
        return repr(v)
    if balayage.est_chemin_absolu(v) or (public and ("/" in v or "\\" in v) and "." in v.rsplit("/", 1)[-1]):
        return balayage.nommer_entree(v, public=public)
    return v
