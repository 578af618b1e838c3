"""What a report notebook publishes: its figures, its tables, its inputs and « Traçabilité ».

A notebook creates one `Rapport`, loads its inputs through it (so each file is hashed), declares its
figures and tables, and ends with `publier()`: the « Traçabilité » section, then the outputs as one
machine-readable display (MIME type `SORTIES_MIME`) that the runner writes to `data/processed/`.
The kernel itself writes no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from . import __version__, config, donnees, formats, registre, rendu
from .erreurs import ErreurParametre
from .rendu import Html

SORTIES_MIME = config.SORTIES_MIME

STATUTS = {"match": "conforme", "mismatch": "écart", "unpublished": "non publié"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def commit_git(root: Path | None = None) -> str:
    """The git commit of the repository, « (modifié) » when the work tree differs from it."""
    root = root or config.ROOT
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return "inconnu (pas de dépôt git)"
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
        return head.stdout.strip() + (" (avec des modifications non enregistrées)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "inconnu (git absent)"


def tableau_csv(df: pd.DataFrame) -> str:
    """A processed table as CSV text: UTF-8, `,`, `.` decimal, `\\n` line ends, byte-stable."""
    out = io.StringIO()
    df.to_csv(out, index=False, lineterminator="\n", float_format=None)
    return out.getvalue()


class Rapport:
    """The outputs of one report run, collected as the notebook goes."""

    def __init__(self, identifiant: str, **parametres: object):
        self.identifiant = identifiant
        self.parametres = dict(parametres)
        self.debut = dt.datetime.now().astimezone()
        self._t0 = time.perf_counter()
        self.entrees: list[dict] = []
        self.chiffres: list[registre.Chiffre] = []
        self.tableaux: dict[str, str] = {}
        self.hypotheses: list[str] = []
        self.fictif = False

    # ------------------------------------------------------------------ parameters
    def choix(self, nom: str, valeur: object, permis: tuple) -> object:
        """Check a parameter against its allowed values (a French error otherwise)."""
        if valeur not in permis:
            raise ErreurParametre(f"paramètre « {nom} » : « {valeur} » n'est pas permis "
                                  f"(valeurs possibles : {', '.join(map(str, permis))})")
        return valeur

    def borne(self, nom: str, valeur, minimum=None, maximum=None, strict_min: bool = False):
        """Check a numeric parameter's range (a French error otherwise)."""
        if valeur is None:
            return valeur
        if isinstance(valeur, bool) or not isinstance(valeur, (int, float)):
            raise ErreurParametre(f"paramètre « {nom} » : « {valeur} » n'est pas un nombre")
        if minimum is not None and (valeur < minimum or (strict_min and valeur == minimum)):
            raise ErreurParametre(f"paramètre « {nom} » : {valeur} doit être {'supérieur à' if strict_min else 'au moins'} {minimum}")
        if maximum is not None and valeur > maximum:
            raise ErreurParametre(f"paramètre « {nom} » : {valeur} doit être au plus {maximum}")
        return valeur

    # ------------------------------------------------------------------ inputs
    def entree(self, chemin: str | Path, role: str, lecture: str = "", ressource: str | None = None) -> Path:
        """Record an input file (hashed now) and return its resolved path. When it is the file of a
        data-package resource marked `fictif`, the report carries the « Données fictives » banner."""
        path = config.resolve(chemin)
        if ressource is not None:
            res = donnees.ressource(ressource)
            if res.get("fictif") and path.resolve() == (config.RAW_DIR / res["path"]).resolve():
                self.fictif = True
        if path.is_file() and not any(x["chemin"] == config.display_path(path) for x in self.entrees):
            self.entrees.append({"chemin": config.display_path(path), "role": role, "sha256": sha256(path), "lecture": lecture})
        return path

    def charger(self, nom_ressource: str, chemin: str | Path | None = None) -> pd.DataFrame:
        """Load and validate a resource of the data package (see `donnees.charger`), recording it."""
        res = donnees.ressource(nom_ressource)
        path = config.resolve(chemin) if chemin not in (None, "") else config.RAW_DIR / res["path"]
        df = donnees.charger(nom_ressource, path)
        self.entree(path, res.get("title", nom_ressource), df.attrs.get("lecture", ""))
        if res.get("fictif") and path.resolve() == (config.RAW_DIR / res["path"]).resolve():
            self.fictif = True
        return df

    # ------------------------------------------------------------------ outputs
    def chiffre(self, figure_id: str, label: str, value: float, unit: str, formula: str) -> float:
        """Declare a headline figure; returns the value so prose can use it."""
        if any(c.figure_id == figure_id for c in self.chiffres):
            raise ValueError(f"chiffre déclaré deux fois : {figure_id}")
        self.chiffres.append(registre.Chiffre(figure_id, self.identifiant, label, float(value), unit, formula))
        return value

    def tableau(self, nom: str, df: pd.DataFrame, legende: str,
                formats: Mapping[str, Callable] | None = None, libelles: Mapping[str, str] | None = None,
                note: str | None = None, entete_ligne: bool = True) -> Html:
        """Record the table as `data/processed/<id>/<nom>.csv` and return its accessible HTML."""
        self.tableaux[f"{nom}.csv"] = tableau_csv(df)
        return rendu.tableau(df, legende, formats, libelles, entete_ligne=entete_ligne, note=note)

    def graphique(self, fig, alternative: str, legende: str, tableau: Html | None = None,
                  source: str = rendu.SOURCE_PRESENTATION) -> Html:
        """A chart with its text alternative, followed by the table behind it."""
        from . import graphiques

        return Html(rendu.graphique(graphiques.en_svg(fig), alternative, legende, source) + (tableau or ""))

    def hypothese(self, *textes: str) -> None:
        """Add to « Hypothèses et limites »."""
        self.hypotheses.extend(textes)

    # ------------------------------------------------------------------ end
    def rapprochement(self) -> pd.DataFrame:
        path = config.REGISTER
        self.entree(path, "Registre des chiffres publiés (comparaison seulement)")
        publies = registre.publies_depuis(donnees.charger("chiffres_publies", path))
        return registre.rapprocher(self.chiffres, publies)

    def tracabilite(self, rapprochement: pd.DataFrame) -> Html:
        duree = time.perf_counter() - self._t0
        params = pd.DataFrame({"parametre": list(self.parametres),
                               "valeur": [_valeur_parametre(v) for v in self.parametres.values()]})
        files = pd.DataFrame(self.entrees, columns=["chemin", "role", "lecture", "sha256"])
        parts = [
            Html('<section class="tracabilite" aria-labelledby="tracabilite">'),
            Html('<h2 id="tracabilite">Traçabilité</h2>'),
            rendu.texte("Cette section permet de refaire le calcul : les paramètres utilisés, chaque fichier lu "
                        "avec son empreinte SHA-256, la version du code, et la comparaison de chaque chiffre avec le "
                        "document qui l'a publié."),
            Html("<h3>Paramètres utilisés</h3>"),
            rendu.tableau(params, "Paramètres de cette exécution", libelles={"parametre": "Paramètre", "valeur": "Valeur"}),
            Html("<h3>Fichiers d'entrée</h3>"),
            rendu.tableau(files, "Fichiers lus, avec leur empreinte SHA-256",
                          libelles={"chemin": "Fichier", "role": "Contenu", "lecture": "Lu comme", "sha256": "SHA-256"}),
            Html("<h3>Exécution</h3>"),
            rendu.liste([
                f"Paquet cln_analysis, version {__version__}",
                f"Commit git : {commit_git()}",
                f"Début : {formats.date_heure(self.debut)}",
                f"Durée du calcul : {formats.duree(duree)}",
            ]),
            Html("<h3>Hypothèses et limites</h3>"),
            rendu.liste(self.hypotheses),
            Html("<h3>Rapprochement avec les chiffres publiés</h3>"),
            self._table_rapprochement(rapprochement),
            Html("</section>"),
        ]
        return Html("".join(parts))

    def _table_rapprochement(self, rap: pd.DataFrame) -> Html:
        units = dict(zip(rap["figure_id"], rap["unit"]))
        view = pd.DataFrame({
            "figure_id": rap["figure_id"],
            "label": rap["label"],
            "valeur": [formats.valeur(float(v), units[i], registre.decimales_affichage(units[i], p)) for i, v, p in
                       zip(rap["figure_id"], rap["value"], rap["published"])],
            "published": rap["published"].replace("", "—"),
            "status": rap["status"].map(STATUTS),
        })
        n = rap["status"].value_counts()
        note = (f"{n.get('match', 0)} chiffre(s) conforme(s), {n.get('mismatch', 0)} écart(s), "
                f"{n.get('unpublished', 0)} non publié(s). Un chiffre est conforme quand sa valeur, arrondie comme le "
                "document l'arrondit, est égale au chiffre imprimé.")
        return rendu.tableau(view, "Chiffres calculés et chiffres publiés",
                             libelles={"figure_id": "Identifiant", "label": "Chiffre", "valeur": "Valeur calculée",
                                       "published": "Chiffre publié", "status": "Statut"}, note=note)

    def publier(self) -> None:
        """Display « Traçabilité », then hand every output to the runner."""
        from IPython.display import display

        rap = self.rapprochement()
        display(self.tracabilite(rap))
        payload = {
            "rapport": self.identifiant,
            "figures": rap.to_dict(orient="records"),
            "tableaux": self.tableaux,
            "entrees": self.entrees,
            "fictif": self.fictif,
        }
        display({SORTIES_MIME: payload}, raw=True)


def _valeur_parametre(v: object) -> str:
    """A parameter as the reader should see it (an empty one says so, in French)."""
    if v is None:
        return "(vide)"
    return v if isinstance(v, str) else repr(v)
