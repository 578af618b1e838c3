"""cln_analysis — reproducible analyses of Roubaix's Conseil local du numérique (CLN).

One module per analysis (`budget`, `cvs`, `appels`, `grille`) of pure functions, and a few
shared modules: `config` (paths), `catalogue` (the reports and their output paths), `donnees`
(loading and validation), `registre` (figures and reconciliation), `formats` (French formatting),
`graphiques` (charts), `rendu` (HTML fragments), `rapport` (what a notebook publishes),
`parametres`, `etat`, `executeur` and `publication` (the report runner), `fichiers` (atomic
writes) and `cli`.
"""

__version__ = "0.1.0"
