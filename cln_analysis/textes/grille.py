"""The text of the grid report: the panel's opinion, criterion by criterion, within the privacy threshold."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import formats as f
from .. import graphiques, grille, rendu
from ..rapport import Rapport
from ..rendu import Html

SOURCE = "Grilles de notation des membres du CLN"


@dataclass(frozen=True)
class Libelles:
    """The names the page gives: levels (`{note: libellé}`), criteria titles (read from the grid file), and the
    column formats of the tables that use them."""

    niveaux: dict[int, str]
    titres: dict[str, str]

    @property
    def criteres(self) -> dict:
        return {"critere": self.titres.get}  # criterion titles come from the grid file

    @property
    def colonnes_niveaux(self) -> dict[str, str]:
        return {f"note_{k}": f"{k} {self.niveaux[k]}" for k in grille.NIVEAUX}


def libelles(criteres: pd.DataFrame, niveaux: pd.DataFrame) -> Libelles:
    return Libelles(dict(zip(niveaux["note"], niveaux["libelle"], strict=True)),
                    dict(zip(criteres["critere"], criteres["titre"], strict=True)))


def essentiel(r: Rapport, a: grille.Avis, lib: Libelles, seuil: int) -> list[Html]:
    """The opening: only the counts below the threshold; else the cards, the overall mark, the blocking points."""
    if not a.publiable:
        return [rendu.encadre(rendu.texte(
            "{n} rendu une grille notée. En dessous de {seuil} réponses, publier des statistiques pourrait "
            "révéler l'avis de membres identifiables : ce rapport ne montre donc que les effectifs.",
            n=f.pluriel(a.repondants, "membre a", "membres ont"), seuil=f.entier(seuil)), "alerte")]
    niv = lib.niveaux
    items = [r.cle("grille.repondants", "membres ont noté la grille"),
             r.cle("grille.score_global", "note globale (" + niv[a.global_.niveau] + ")", " / 4")]
    if a.global_pondere is not None:
        items.append(r.cle("grille.score_global_pondere", "note globale pondérée par le Conseil", " / 4"))
    items.append((r.valeur("grille.points_bloquants"),
                  f.accord(len(a.bloquants), "point bloquant", "points bloquants")))
    out = [rendu.chiffres_cles(items), rendu.texte(
        "{n} membres ont noté la grille. Sur 4, la note globale (moyenne des notes moyennes des {k} critères publiés, "
        "à poids égaux) est de <strong>{g}</strong>, soit {g100} sur 100 : niveau le plus proche « {lab} ». Avis "
        "global : <strong>{avis}</strong>.",
        n=r.valeur("grille.repondants"), k=r.valeur("grille.criteres_publies"), g=r.valeur("grille.score_global"),
        g100=r.valeur("grille.score_global_sur_100"), lab=niv[a.global_.niveau],
        avis=grille.avis_global(a.global_, a.bloquants, niv))]
    if a.global_pondere is not None:
        change = niv[a.global_pondere.niveau] != niv[a.global_.niveau]
        out.append(rendu.texte(
            "Avec les poids que les membres ont donnés aux critères, la note globale est de <strong>{gp}</strong> sur "
            "4 ({gp100} sur 100, « {labp} »){chg}.", gp=r.valeur("grille.score_global_pondere"),
            gp100=r.valeur("grille.score_global_pondere_sur_100"), labp=niv[a.global_pondere.niveau],
            chg=(" : la pondération change le niveau, de « " + niv[a.global_.niveau] + " » à « "
                 + niv[a.global_pondere.niveau] + " »") if change else " : le niveau ne change pas"))
    if a.bloquants:
        out.append(rendu.encadre(
            rendu.texte("Points bloquants (note médiane de 1 ou moins) :")
            + rendu.liste(f"{lib.titres[c]} : médiane {r.affiche(f'grille.{c}.mediane')} ("
                          + grille.libelle_mediane(a.stats.loc[c, "mediane"], niv, grille.comptes_niveaux(a.stats, c))
                          + ")" for c in a.bloquants)
            + rendu.texte("Tant qu'un point bloquant demeure, l'avis global n'est pas présenté comme favorable."),
            "alerte", "Ce qui bloque"))
    return out


def repartition(r: Rapport, a: grille.Avis, lib: Libelles, seuil: int) -> list[Html]:
    """The diverging chart of the marks, the summary table, the criteria shown as counts only."""
    out = []
    s, titres = a.stats, lib.titres
    if a.publies:
        pub = s.loc[a.publies]
        parts = [[pub.loc[c, f"note_{k}"] / pub.loc[c, "n"] for k in grille.NIVEAUX] for c in a.publies]
        noms = [f"{k} {lib.niveaux[k]}" for k in grille.NIVEAUX]
        # below SEUIL_POURCENTAGES answers a criterion's shares are said as counts, in the chart as in the tables
        en_effectifs = [pub.loc[c, "n"] < grille.SEUIL_POURCENTAGES for c in a.publies]
        etiquettes = [[f.entier(pub.loc[c, f"note_{k}"]) if e else f.pourcentage(p, 0)
                       for k, p in zip(grille.NIVEAUX, ps, strict=True)]
                      for c, ps, e in zip(a.publies, parts, en_effectifs, strict=True)]
        # a row labelled with counts says so in its title (its numbers would read as shares on the axis)
        fig = graphiques.barres_divergentes([titres[c] + (" · en\u00a0nombre\u00a0de\u00a0notes" if e else "")
                                             for c, e in zip(a.publies, en_effectifs, strict=True)],
                                            parts, list(pub["abstentions"]), noms, etiquettes)
        alt = ("Diagramme en barres divergentes : pour chaque critère, la part des notes 0 et 1 à gauche, 2 au centre, "
               "3 et 4 à droite (en nombre de notes sous " + f.entier(grille.SEUIL_POURCENTAGES) + " réponses). "
               + " ; ".join(
                   (f"{titres[c]} : {f.pluriel(pub.loc[c, 'defavorables'], 'note 0 ou 1', 'notes 0 ou 1')} sur "
                    f"{f.entier(pub.loc[c, 'n'])}, {f.pluriel(pub.loc[c, 'favorables'], 'note 3 ou 4', 'notes 3 ou 4')}"
                    f" sur {f.entier(pub.loc[c, 'n'])}, "
                    if e else
                    f"{titres[c]} : {f.pourcentage(pub.loc[c, 'part_defavorable'], 0)} de notes 0 ou 1, "
                    f"{r.affiche(f'grille.{c}.part_favorable')} de notes 3 ou 4, ")
                   + f.pluriel(pub.loc[c, 'abstentions'], 'abstention', 'abstentions')
                   for c, e in zip(a.publies, en_effectifs, strict=True)) + ".")
        repart = pub[["n", "abstentions"] + [f"note_{k}" for k in grille.NIVEAUX]].rename_axis("critere").reset_index()
        tab = r.tableau("repartition_des_notes", repart, "Répartition des notes par critère (effectifs)",
                        formats=lib.criteres, libelles=lib.colonnes_niveaux)
        out += [r.graphique(fig, alt, "Répartition des notes par critère", tab, source=SOURCE),
                r.afficher_tableau(
                    grille.synthese(pub, lib.niveaux), "Ce que pense le Conseil, critère par critère",
                    formats=lib.criteres,
                    note="Moins de 10 réponses : les parts sont données en effectifs. La moyenne est indicative : une "
                         "note est un niveau, pas une mesure.")]
        r.tableau("statistiques", pub.rename_axis("critere").reset_index(), "Statistiques par critère")
    if a.masques:
        m = s.loc[a.masques]
        out += [rendu.texte("Critères dont seuls les effectifs sont publiés (moins de {seuil} réponses) :",
                            seuil=f.entier(seuil)),
                r.tableau("effectifs_masques", m[["n", "abstentions"]].rename_axis("critere").reset_index(),
                          "Critères publiés en effectifs seulement", formats=lib.criteres)]
    return out


def profil(r: Rapport, a: grille.Avis, lib: Libelles) -> list[Html]:
    """The radar of the medians, and how (not) to read it."""
    if not a.publies:
        return []
    titres = lib.titres
    fig = graphiques.radar([titres[c] for c in a.publies], list(a.stats.loc[a.publies, "mediane"]))
    alt = ("Radar des notes médianes, dans l'ordre de la grille : "
           + " ; ".join(f"{titres[c]} {r.affiche(f'grille.{c}.mediane')}" for c in a.publies) + ".")
    tab = r.tableau("medianes", a.stats.loc[a.publies, ["mediane"]].rename_axis("critere").reset_index(),
                    "Note médiane par critère", formats=lib.criteres | {"mediane": grille.note_sur_4},
                    libelles={"mediane": "Note médiane (0 à 4)"})
    return [r.graphique(fig, alt, "Notes médianes par critère (0 au centre, 4 au bord)", tab, source=SOURCE),
            rendu.texte("La forme d'un radar dépend de l'ordre des critères autour du cercle (ici celui de la "
                        "grille) : sa surface ne mesure rien. Lisez plutôt la valeur de chaque critère.")]


def priorites(r: Rapport, a: grille.Avis, lib: Libelles, criteres: pd.DataFrame, points: pd.DataFrame | None,
              seuil: int) -> list[Html]:
    """« Les priorités du Conseil »: the mean weights, or only the number of members who gave them."""
    if a.poids is not None and a.publies:
        titres = lib.titres
        w = a.poids.reindex(criteres["critere"])
        fig = graphiques.barres_horizontales([titres[c] for c in w.index], list(w), "pourcentage1",
                                             titre_axe="Poids moyen")
        alt = ("Diagramme en barres des poids donnés aux critères : "
               + " ; ".join(f"{titres[c]} {f.pourcentage(v)}" for c, v in w.items()) + ".")
        tab = r.tableau("poids", w.rename("poids").rename_axis("critere").reset_index(),
                        "Poids moyen de chaque critère", formats=lib.criteres)
        return [rendu.titre(2, "Les priorités du Conseil"),
                r.graphique(fig, alt, f"Poids des critères, moyenne des {f.entier(len(points))} membres ayant réparti "
                                      "leurs points", tab, source="Grilles de pondération des membres du CLN")]
    if points is not None and a.publies:
        return [rendu.texte(
            "Membres ayant réparti leurs points entre les critères : {n}. En dessous de {seuil} répartitions, "
            "les poids ne sont pas publiés : ils montreraient l'avis de membres identifiables.",
            n=f.entier(a.ponderateurs), seuil=f.entier(seuil))]
    return []


def accord(r: Rapport, a: grille.Avis) -> list[Html]:
    """Krippendorff's alpha, and what it does not say."""
    if a.alpha is not None:
        return [rendu.texte(
            "L'alpha de Krippendorff (ordinal) vaut <strong>{al}</strong>. Il mesure à quel point les notes des "
            "membres "
            "concordent d'un critère à l'autre : 1 si tous donnent les mêmes notes, 0 si leurs notes ne concordent pas "
            "plus que par hasard. Ce n'est pas une note de qualité du projet, ni un seuil à atteindre : un Conseil "
            "peut "
            "être partagé sur une question difficile.", al=r.valeur("grille.alpha_krippendorff"))]
    if a.raison_sans_alpha == "membres":
        return [rendu.texte("L'alpha de Krippendorff n'est pas donné : il n'est calculé qu'à partir de {m} membres "
                            "ayant noté.", m=f.entier(grille.MEMBRES_ALPHA))]
    if a.raison_sans_alpha:
        return [rendu.texte("L'alpha de Krippendorff n'est pas donné : {raison}.",
                            raison=grille.RAISONS_ALPHA[a.raison_sans_alpha])]
    return []


def regles() -> list[Html]:
    """How a criterion is read, rule by rule."""
    return [rendu.texte("Règles de lecture d'un critère, appliquées dans cet ordre (la première qui s'applique "
                        "l'emporte) :"), rendu.liste(grille.regles_lecture())]


def hypotheses(seuil: int, fictif: bool) -> list[str]:
    """« Hypothèses et limites » (and the fictitious example's warning)."""
    out = [
        "Les notes sont des niveaux ordonnés, pas des mesures : la médiane est la statistique principale, la moyenne "
        "est indicative.",
        f"Seuil de publication : {f.entier(seuil)} réponses (paramètre « seuil_publication »).",
        "La note globale donne le même poids à chaque critère, sauf dans sa version pondérée par les points des "
        "membres.",
        "La grille est une piste de travail soumise au Conseil, pas la méthode officielle de la Ville pour évaluer le "
        "callbot (diapositive « Une grille de réflexion, pas une méthode figée »).",
    ]
    if fictif:
        out.append("Les notes de ce rapport sont FICTIVES (data/raw/grille_notes_exemple.csv) : elles montrent la "
                   "forme du rapport avant que les membres aient rendu leurs grilles.")
    return out
