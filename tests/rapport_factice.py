"""A stand-in for `Rapport` in the tests of text functions: the methods a text function reads, over declared
figures (the rounding is the register's, tested there)."""

from __future__ import annotations


class RapportFactice:
    def __init__(self):
        self.chiffres = {}

    def chiffre(self, figure_id, value, **_):
        self.chiffres[figure_id] = value

    def valeur(self, figure_id):
        from cln_analysis import rendu

        return rendu.chiffre_marque(figure_id, str(self.chiffres[figure_id]))

    affiche = valeur

    def cle(self, figure_id, libelle, suffixe=""):
        return self.valeur(figure_id), libelle

    def tableau(self, nom, df, legende, **_):
        return f"<table>{nom}</table>"
