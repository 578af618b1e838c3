"""The one way to open an input file: `ouvrir` (CSV variants, UTF-16 text, `.xlsx`; sizes, NUL, header rows),
`titres.cle` (the one title normaliser), `collecte` (personal strings handed to the last scan).

Each format's reader (`donnees`, `feuilles`, `questionnaire`, and the budget lines, call logs and form exports to
come) declares a `Format`, receives a `Tableau` of text cells and only maps columns and applies its rules.
"""

from .collecte import Collecteur, collecter, signaler
from .erreurs import ErreurDonnees, Probleme, lettre
from .ouvrir import TAILLE_MAX, Format, Tableau, ouvrir, textes_de_type
from .titres import cle, cles

__all__ = ["TAILLE_MAX", "Collecteur", "ErreurDonnees", "Format", "Probleme", "Tableau", "cle", "cles", "collecter",
           "lettre", "ouvrir", "signaler", "textes_de_type"]
