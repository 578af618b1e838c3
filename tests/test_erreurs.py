"""Errors a user meets: French text naming file, row and column; a kernel's error back to its type."""

from cln_analysis import erreurs
from cln_analysis.catalogue import ErreurDeclaration
from cln_analysis.erreurs import ErreurCLN, ErreurDonnees, ErreurParametre, Probleme


def test_a_problem_names_file_row_and_column():
    p = Probleme("data/raw/x.csv", "valeur manquante", ligne=3, colonne="B", conseil="remplissez-la")
    assert str(p) == "data/raw/x.csv, ligne 3, colonne « B » : valeur manquante — remplissez-la"
    assert str(ErreurDonnees([p] * 21)).endswith("… et 1 autre problème.")


def test_a_kernels_error_comes_back_as_its_type():
    e = erreurs.depuis_noyau("ErreurDonnees", "x.csv, ligne 2 : faux")
    assert type(e) is ErreurDonnees and isinstance(e, ErreurCLN) and str(e) == "x.csv, ligne 2 : faux"
    assert type(erreurs.depuis_noyau("ErreurParametre", "m")) is ErreurParametre
    assert type(erreurs.depuis_noyau("ErreurDeclaration", "m")) is ErreurDeclaration  # a subclass elsewhere
    assert erreurs.depuis_noyau("ValueError", "m") is None
    assert erreurs.depuis_noyau("ErreurRapport", "m") is None  # nothing raises it: it is gone
