"""The text functions, in process: what a page says in the cases a default run never shows (a project list, a
known share of new projects, a question below the threshold)."""

import pandas as pd
from rapport_factice import RapportFactice

from cln_analysis import cvs, retours
from cln_analysis.textes import cvs as textes_cvs
from cln_analysis.textes import declarer
from cln_analysis.textes import retours as textes_retours


def _alloc():
    categories = pd.DataFrame({"annee": [2025, 2025], "categorie": ["ecrivains_publics", "autres"],
                               "projets": [8, 13], "montant_attribue": [180_645, 88_400]})
    annees = pd.DataFrame({"annee": [2025], "projets": [21], "montant_sollicite": [335_796],
                           "montant_attribue": [269_045]})
    return cvs.allocation(categories, annees, 2025)


def test_declarer_declares_every_figure_once():
    r = RapportFactice()
    declarer(r, [dict(figure_id="a", label="", value=1, unit="count", formula="", decimales=None),
                 dict(figure_id="b", label="", value=2, unit="count", formula="", decimales=None)])
    assert r.chiffres == {"a": 1, "b": 2}


def test_the_states_share_is_a_declared_figure_when_the_share_of_new_projects_is_known():
    alloc = _alloc()
    regle = pd.DataFrame({"statut": ["nouveau", "reconduit"], "part_ville": [0.2, 0.5]})
    part = cvs.partage(alloc.attribue, regle, part_nouveaux=0.4)
    r = RapportFactice()
    declarer(r, cvs.chiffres_contexte(alloc, part, 99_500, 0.223, 22_188.5))
    # by hand: City 269 045 × (0.4 × 0.2 + 0.6 × 0.5) = 102 237.10 ; State 269 045 − 102 237.10 = 166 807.90
    assert abs(r.chiffres["cvs.2025.part_etat"] - 166_807.90) < 1e-6
    r.chiffres.update({f"cvs.2025.{k}": 0 for k in ("part_ville", "part_ville.min", "part_ville.max", "attribue")})
    texte = "".join(textes_cvs.partage(r, 2025, alloc, part))
    assert 'data-chiffre="cvs.2025.part_etat"' in texte and 'data-chiffre="cvs.2025.part_nouveaux"' in texte


def test_a_question_below_the_threshold_shows_only_its_number_of_answers():
    reponses = pd.DataFrame({q: [None] * 6 for q in retours.CHOIX})
    reponses["reponse_obtenue"] = ["oui", "non", "oui", "en partie", "oui", "non"]
    reponses["satisfaction"] = ["5", "4", None, None, None, None]
    s = retours.synthese(reponses, 0, seuil=5)
    assert "satisfaction" not in s.repartitions and s.reponses_par_question["satisfaction"] == 2
    assert "reponse_obtenue" in s.repartitions
    texte = "".join(textes_retours.questions(RapportFactice(), s))
    assert "Réponses données : 2 (moins de 5 : la répartition n'est pas publiée)." in texte


def test_a_criterion_below_ten_answers_is_charted_in_counts_as_its_tables_say_it(monkeypatch):
    """The grid's chart labels its segments, and its text alternative gives, counts where the summary table does
    (fewer than 10 answers), shares elsewhere: no chart in percentages under a text that says « effectifs »."""
    from cln_analysis import graphiques, grille
    from cln_analysis.textes import grille as textes_grille

    vu = {}
    monkeypatch.setattr(graphiques, "barres_divergentes",
                        lambda libelles, parts, abstentions, noms, etiquettes=None: vu.update(etiquettes=etiquettes))

    class Rapport(RapportFactice):
        def graphique(self, fig, alternative, *_a, **_k):
            vu["alt"] = alternative
            return ""

        def afficher_tableau(self, *_a, **_k):
            return ""

    # a: 12 answers (shares); b: 6 answers and 6 abstentions (counts)
    notes = pd.DataFrame({"a": [0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4],
                          "b": [0, 1, 1, 3, 4, 4] + [None] * 6}, dtype=float)
    avis = grille.avis(notes, 5)
    lib = textes_grille.Libelles({0: "Absent", 1: "Insuffisant", 2: "Acceptable", 3: "Satisfaisant", 4: "Exemplaire"},
                                 {"a": "Critère A", "b": "Critère B"})
    r = Rapport()
    declarer(r, grille.chiffres(avis, lib.titres))
    textes_grille.repartition(r, avis, lib, 5)
    # by hand: a's shares 1/12, 2/12, 3/12, 4/12, 2/12; b's counts of levels 0…4
    assert vu["etiquettes"] == [[f"{p}\u00a0%" for p in (8, 17, 25, 33, 17)], ["1", "2", "0", "1", "2"]]
    alt = vu["alt"].replace("\u00a0", " ")
    assert "Critère A : 25 % de notes 0 ou 1" in alt
    assert "Critère B : 3 notes 0 ou 1 sur 6, 3 notes 3 ou 4 sur 6, 6 abstentions" in alt
