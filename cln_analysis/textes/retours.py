"""The text of the residents' feedback report: only what `retours.synthese` hands out is ever shown."""

from __future__ import annotations

from .. import formats as f
from .. import graphiques, rendu, retours
from ..rapport import Rapport
from ..rendu import Html

SOURCE = "Questionnaire des habitants recueilli par le CLN"
NOTE_PARTS = ("Chaque part est calculée parmi les habitants qui ont répondu à la question ; pour l'agent, parmi ceux "
              "qui ont demandé à lui parler.")


def _ligne_indicateur(r: Rapport, s: retours.Retours, i: str, libelle: str) -> str:
    ind = s.indicateurs
    return (f"{r.affiche(f'retours.{i}')} des habitants {libelle} "
            f"({f.entier(ind.loc[i, 'favorables'])} sur {f.entier(ind.loc[i, 'n'])}) : compte tenu du "
            f"petit nombre de réponses, la part réelle est probablement "
            f"{retours.intervalle_en_mots(ind.loc[i, 'ic_bas'], ind.loc[i, 'ic_haut'])}.")


def en_bref(r: Rapport, s: retours.Retours) -> list[Html]:
    """« Les retours en bref »: the number of respondents only below the threshold, else the cards and shares."""
    if not s.publiable:
        return [rendu.encadre(rendu.texte(
            "Nombre d'habitants ayant répondu : {n}. En dessous de {seuil} réponses, publier leurs réponses pourrait "
            "révéler ce qu'a dit un habitant reconnaissable : ce rapport ne publie donc que ce nombre.",
            n=f.entier(s.repondants), seuil=f.entier(s.seuil)), "alerte")]
    cartes = [r.cle("retours.repondants", f.accord(s.repondants, "habitant a répondu", "habitants ont répondu"))]
    cartes += [r.cle(f"retours.{i}", mots) for i, mots in (("reponse_obtenue.oui", "ont obtenu une réponse"),
                                                          ("satisfaction.part_satisfaits", "sont satisfaits"))
               if i in s.publies]
    periode = ((" entre le " + f.date_longue(s.periode[0]) + " et le " + f.date_longue(s.periode[1]))
               if s.periode else "")
    out = [rendu.chiffres_cles(cartes), rendu.texte(
        "{n} répondu au questionnaire{periode}. Une question laissée sans réponse ne compte pas dans les "
        "parts de cette question : chaque part est calculée sur les habitants qui y ont répondu, et ce nombre est "
        "toujours donné.", n=f.pluriel(s.repondants, "habitant a", "habitants ont"), periode=periode),
        rendu.liste(_ligne_indicateur(r, s, d.id, d.libelle) for d in retours.INDICATEURS if d.id in s.publies)]
    if s.mediane_satisfaction is not None:
        out.append(rendu.texte("La moitié des habitants donnent à l'appel une note de satisfaction d'au moins "
                               "<strong>{med}</strong> sur 5 (note médiane).",
                               med=r.valeur("retours.satisfaction.mediane")))
    return out


def parts_principales(r: Rapport, s: retours.Retours) -> list[Html]:
    """The chart of the published shares with their intervals, then the questions shown as counts only."""
    out = []
    if s.publies:
        pub = s.indicateurs.loc[s.publies]
        by_id = {i.id: i for i in retours.INDICATEURS}
        noms = [retours.QUESTIONS[by_id[i].question].libelle for i in s.publies]
        fig = graphiques.parts_avec_intervalles(noms, list(pub["part"]), list(pub["ic_bas"]), list(pub["ic_haut"]))
        alt = ("Diagramme en barres : pour chaque question, la part des habitants qui répondent favorablement, avec "
               "son intervalle de confiance à 95 %. " + " ; ".join(
                   f"{n} : {f.pourcentage(pub.loc[i, 'part'], 0)}, "
                   f"{retours.intervalle_en_mots(pub.loc[i, 'ic_bas'], pub.loc[i, 'ic_haut'])}"
                   for n, i in zip(noms, s.publies, strict=True)) + ".")
        tab = r.tableau("parts_principales", retours.tableau_indicateurs(s),
                        "Parts principales et leur intervalle de confiance à 95 %", note=NOTE_PARTS)
        out.append(r.graphique(fig, alt, "Ce que disent les habitants du callbot, avec la marge d'incertitude de "
                                         "chaque part", tab, source=SOURCE))
    if s.masques and s.publiable:
        m = (s.indicateurs.loc[s.masques, ["question", "n"]].rename(columns={"n": "reponses_donnees"})
             .rename_axis("indicateur").reset_index())
        out += [rendu.texte("Questions dont seul le nombre de réponses est publié (moins de {seuil} réponses) :",
                            seuil=f.entier(s.seuil)),
                r.tableau("effectifs_masques", m, "Questions publiées en effectifs seulement")]
    return out


def _question(r: Rapport, s: retours.Retours, qid: str, n: int) -> list[Html]:
    question = retours.QUESTIONS[qid]
    out = [rendu.titre(3, question.texte)]
    if qid not in s.repartitions:
        return out + [rendu.texte("Réponses données : {n} (moins de {seuil} : la répartition n'est pas publiée).",
                                  n=f.entier(n), seuil=f.entier(s.seuil))]
    t = s.repartitions[qid]
    tab = r.tableau(f"reponses_{qid}", t[["reponse", "effectif", "part", "ic_bas", "ic_haut"]],
                    f"{question.libelle} : réponses de {f.entier(n)} habitants",
                    note=f"Sans réponse à cette question : {f.entier(s.repondants - n)}.")
    if qid != "satisfaction":
        return out + [tab]
    fig = graphiques.repartition_notes(["1\npas du tout", "2", "3", "4", "5\ntout à fait"], list(t["effectif"]))
    alt = ("Diagramme en barres du nombre d'habitants par note de satisfaction, de 1 (pas du tout) à 5 (tout à fait) : "
           + " ; ".join(f"note {a} : {f.entier(b)}" for a, b in zip(t["reponse"], t["effectif"], strict=True)) + ".")
    return out + [r.graphique(fig, alt, "Notes de satisfaction données à l'appel", tab, source=SOURCE)]


def questions(r: Rapport, s: retours.Retours) -> list[Html]:
    """« Question par question »: each question's breakdown, or only its number of answers below the threshold."""
    return [h for qid, n in s.reponses_par_question.items() for h in _question(r, s, qid, n)]


def age(r: Rapport, s: retours.Retours) -> list[Html]:
    """« Selon l'âge »: published only when every group reaches the threshold."""
    if s.age is not None:
        a = s.age
        fig = graphiques.parts_avec_intervalles(list(a["tranche_age"]), list(a["part_oui"]), list(a["ic_bas"]),
                                                list(a["ic_haut"]),
                                                titre_axe="Part des habitants ayant obtenu une réponse")
        alt = ("Diagramme en barres de la part des habitants ayant obtenu une réponse, par tranche d'âge, avec son "
               "intervalle de confiance à 95 % : " + " ; ".join(
                   f"{t} : {f.pourcentage(p, 0)}, {retours.intervalle_en_mots(b, h)}"
                   for t, p, b, h in zip(a["tranche_age"], a["part_oui"], a["ic_bas"], a["ic_haut"], strict=True))
               + ".")
        tab = r.tableau("reponse_obtenue_par_age", a, "Réponse obtenue, par tranche d'âge")
        return [r.graphique(fig, alt, "Part des habitants ayant obtenu une réponse, selon l'âge", tab, source=SOURCE),
                rendu.texte("Les intervalles se recouvrent largement : avec si peu de réponses par tranche, une "
                            "différence entre les âges n'est pas établie.")]
    if s.publiable:
        return [rendu.texte(
            "La répartition par âge n'est pas publiée : au moins un groupe d'âge (ou le groupe des habitants qui n'ont "
            "pas donné leur âge) compte moins de {seuil} réponses. Publier les autres permettrait de le retrouver par "
            "différence avec le total ; aucune tranche n'est donc publiée.", seuil=f.entier(s.seuil))]
    return []


def commentaires(s: retours.Retours) -> list[Html]:
    """« Les commentaires »: counted, never published."""
    if s.publiable:
        return [rendu.texte(
            "Commentaires libres reçus : {c}. Ils ne sont pas publiés : un texte libre peut permettre de reconnaître "
            "son "
            "auteur. Ils sont lus par le CLN pour préparer son avis, pas par ce rapport.", c=f.entier(s.commentaires))]
    return [rendu.texte("Les commentaires libres ne sont jamais publiés.")]


def hypotheses(s: retours.Retours, fictif: bool) -> list[str]:
    """« Hypothèses et limites » (and the fictitious example's warning)."""
    out = [
        f"Seuil de publication : {f.entier(s.seuil)} réponses (paramètre « seuil_publication », le même que pour la "
        "grille).",
        "Les habitants qui répondent ne sont pas tirés au sort : ce sont ceux que le CLN a pu interroger. Les "
        "intervalles de confiance mesurent l'incertitude due au petit nombre de réponses, pas ce biais de sélection.",
        "La répartition par âge n'est publiée que si chaque tranche, et le groupe des habitants sans âge indiqué s'il "
        "n'est pas vide, atteint le seuil : sinon une tranche masquée se retrouverait par différence avec le total.",
        "Les commentaires libres sont comptés à la lecture puis écartés : leur texte n'apparaît dans aucune sortie.",
    ]
    if fictif:
        out.append("Les réponses de ce rapport sont FICTIVES (data/raw/retours_exemple.csv) : elles montrent la forme "
                   "du rapport avant que le CLN ait recueilli les retours des habitants.")
    return out
