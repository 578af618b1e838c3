"""The command line `cln-analysis` (also `python -m cln_analysis`): run, parametres, check, template.

Exit status: 0 all went well; 1 invalid data or a failed report; 2 a usage error. Errors are a few
lines of French, never a traceback unless `--debug`. Heavy modules are imported only by the
sub-command that needs them, so that `--help` and usage errors answer at once.
"""

from __future__ import annotations

import argparse
import codecs
import re
import signal
import sys
import traceback
import warnings

from . import catalogue, confidentialite, erreurs
from .erreurs import ErreurCLN, ErreurUsage

# jsonschema (imported by nbformat, so by the runner) builds some forty Lark grammars at import, about 2 s of
# CPU, when the optional `rfc3987_syntax` is installed (JupyterLab's jupyter-events pulls it in). Only the
# `iri` formats use it, which no notebook schema has: the runner's process hides it (jsonschema then skips
# those two formats). https://github.com/python-jsonschema/jsonschema/issues/1428
sys.modules.setdefault("rfc3987_syntax", None)

#: What a console that cannot show a character prints instead (a Windows console or a redirect in cp1252):
#: the narrow no-break space of numbers, the true minus sign, « ≠ »…; anything else becomes « ? ».
_EQUIVALENTS = {"\u202f": "\u00a0", "\u2212": "-", "\u2260": "<>", "\u2264": "<=", "\u2265": ">=", "\u2192": "->",
                "\u2248": "~", "\u00d7": "x", "\u2009": " "}


def _remplacer(exc: UnicodeEncodeError) -> tuple[str, int]:
    """Codec error handler `cln-console`: each character the console's encoding lacks, by its equivalent."""
    morceau = exc.object[exc.start:exc.end]
    sortie = ""
    for ch in morceau:
        equivalent = _EQUIVALENTS.get(ch, "?")
        try:
            equivalent.encode(exc.encoding)
        except (UnicodeEncodeError, LookupError):
            equivalent = " " if ch.isspace() else "?"
        sortie += equivalent
    return sortie, exc.end


codecs.register_error("cln-console", _remplacer)


def console_sure() -> None:
    """Every message prints on any console: what its encoding cannot show is replaced, never a crash."""
    for flux in (sys.stdout, sys.stderr):
        if hasattr(flux, "reconfigure"):
            try:
                flux.reconfigure(errors="cln-console")
            except (ValueError, OSError):  # a stream already closed or not reconfigurable: left as it is
                pass


_TRADUCTIONS = [
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (
        r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        r"\1 : choix invalide « \2 » (choix possibles : \3)",
    ),
    (r"argument (\S+): expected one argument", r"l'option \1 attend une valeur"),
    (r"argument (\S+): invalid int value: '?([^']*)'?", r"l'option \1 attend un nombre entier, pas « \2 »"),
    (r"invalid choice: '?([^' ]*)'?.*", r"commande inconnue « \1 » (commandes : run, parametres, check, template)"),
]


class _Formateur(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse builds a sub-command's name with prefix "": only the real usage line gets the word
        super().add_usage(usage, actions, groups, prefix="Utilisation : " if prefix is None else prefix)


class _Parseur(argparse.ArgumentParser):
    """argparse with French messages and exit status 2 for usage errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formateur)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message):
        for pattern, repl in _TRADUCTIONS:
            if re.search(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog} : erreur : {message}\n")
        sys.exit(2)


def construire_parseur() -> _Parseur:
    p = _Parseur(prog="cln-analysis", description="Analyses reproductibles du Conseil local du numérique de Roubaix.")
    p.add_argument("--debug", action="store_true", help="afficher la trace complète d'une erreur")
    sub = p.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=_Parseur)
    sub.required = True

    run = sub.add_parser(
        "run",
        help="produire les rapports (tous par défaut)",
        description="Exécuter les notebooks des rapports et publier les pages HTML.\n\n"
        "Une valeur donnée par -p est enregistrée dans parametres.local.toml (jamais suivi par git) quand son "
        "rapport réussit :\nles exécutions suivantes (run, run --force, make reports) la reprennent. --essai "
        "l'utilise une fois sans\nl'enregistrer ; --defauts exécute sur les données livrées sans rien changer à "
        "ce fichier (audit : git diff\nne montre alors aucune différence). Quand plusieurs rapports demandés "
        "déclarent NOM, nommez le rapport :\n-p appels.donnees=… (ou lancez ce rapport seul : run appels -p "
        "donnees=…).",
    )
    run.add_argument("rapports", nargs="*", metavar="ID", help="identifiants des rapports (" + _ids() + ")")
    run.add_argument(
        "-p",
        "--parametre",
        action="append",
        default=[],
        metavar="NOM=VALEUR",
        help="paramètre du notebook (répétable ; ID.NOM=VALEUR pour un seul rapport) ; enregistré ; un fichier "
        "relatif part de la racine du dépôt",
    )
    quelles = run.add_mutually_exclusive_group()
    quelles.add_argument("--essai", action="store_true",
                         help="utiliser les valeurs de -p une fois, sans les enregistrer")
    quelles.add_argument("--defauts", action="store_true",
                         help="exécuter sur les valeurs livrées, sans lire ni changer parametres.local.toml")
    run.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks exécutés en parallèle (par défaut : le nombre de cœurs)",
    )
    run.add_argument("--force", action="store_true", help="tout refaire, même ce qui n'a pas changé")
    run.add_argument(
        "--limite",
        type=int,
        default=None,
        metavar="SECONDES",
        help="durée maximale d'un notebook avant qu'il soit arrêté (par défaut : 1800)",
    )
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    par = sub.add_parser(
        "parametres",
        help="lister les paramètres enregistrés, ou revenir aux valeurs livrées",
        description="Lister les paramètres avec lesquels les rapports sont publiés (parametres.local.toml), ou "
        "oublier ceux d'un rapport (--reinitialiser ID) : il revient aux valeurs livrées.",
    )
    par.add_argument("--reinitialiser", nargs="+", metavar="ID", default=None,
                     help="oublier les paramètres enregistrés de ces rapports")
    par.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    check = sub.add_parser(
        "check",
        help="valider les fichiers de data/raw/",
        description="Valider chaque fichier de data/raw/ (schéma et règles métier) et lister tous les problèmes.",
    )
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    tpl = sub.add_parser(
        "template",
        help="écrire une feuille vierge (grille de notation, questionnaire des habitants)",
        description="Écrire une feuille vierge, en .xlsx ou en .csv : la grille de notation des "
        "membres (grille) ou le questionnaire des habitants sur le callbot (retours). Avec --framaforms, "
        "la fiche (.md ou .txt) qui dit comment construire le formulaire en ligne dans Framaforms.",
    )
    tpl.add_argument("modele", choices=["grille", "retours"], help="le modèle (grille ou retours)")
    tpl.add_argument("-o", "--sortie", required=True, metavar="FICHIER",
                     help="fichier à écrire (.xlsx ou .csv ; .md ou .txt avec --framaforms)")
    tpl.add_argument("--framaforms", action="store_true",
                     help="écrire la fiche pour construire le formulaire dans Framaforms (Markdown, .md ou .txt)")
    tpl.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe (jamais dans data/raw/)")
    tpl.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def _ids() -> str:
    try:
        return ", ".join(catalogue.ids())
    except ErreurCLN:  # rapports.toml unreadable: the error is said when a command needs it
        return "voir rapports.toml"


def _parametres(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*", name.strip()):
            raise ErreurUsage(
                f"paramètre mal écrit « {item} » : écrivez -p NOM=VALEUR (par exemple -p population=100000)"
            )
        out[name.strip()] = value
    return out


#: The longest `--limite` (seconds): 7 days, far below what a timer accepts (`threading.TIMEOUT_MAX`).
LIMITE_MAX = 7 * 24 * 3600


def _run(args) -> int:
    from . import executeur, formats, publication  # heavy: imported by the sub-command that needs it

    erreurs.verifier_arret()  # a Ctrl-C a compiled library cleared while it was imported

    if args.jobs is not None and args.jobs < 1:
        raise ErreurUsage("--jobs attend un nombre entier supérieur ou égal à 1")
    if args.limite is not None and args.limite < 1:
        raise ErreurUsage("--limite attend un nombre de secondes supérieur ou égal à 1")
    if args.limite is not None and args.limite > LIMITE_MAX:  # a timer cannot wait longer; a week is no limit
        raise ErreurUsage(f"--limite attend au plus {formats.entier(LIMITE_MAX)} secondes (7 jours), "
                          f"pas {formats.entier(args.limite)}")
    parametres = _parametres(args.parametre)
    if args.defauts and parametres:
        raise ErreurUsage("--defauts exécute sur les valeurs livrées : il ne prend pas de -p (voyez --essai)")
    for avertissement in confidentialite.avertissements(args.rapports or catalogue.ids(), parametres):
        print(avertissement, file=sys.stderr)
    print("Production des rapports…", flush=True)
    resultats = executeur.executer(
        args.rapports or None,
        parametres,
        jobs=args.jobs,
        force=args.force,
        journal=_journal,
        limite=args.limite or executeur.LIMITE_DEFAUT,
        enregistrer=not (args.essai or args.defauts),
        enregistres=not args.defauts,
        debug=args.debug,
    )
    ok = [r for r in resultats if r.statut == "ok"]
    same = [r for r in resultats if r.statut == "inchange"]
    failed = [r for r in resultats if r.statut == "echec"]
    print()
    print(
        f"Bilan : {formats.pluriel(len(ok), 'produit', 'produits')}, "
        f"{formats.pluriel(len(same), 'inchangé', 'inchangés')}, "
        f"{len(failed)} en échec."
    )
    for r in resultats:
        for w in r.avertissements:
            print(f"  attention, {r.id} : {w}")
    for r in failed:
        print(f"  {r.id} : {r.message}", file=sys.stderr)
    for m in publication.messages_etrangers():
        print(m, file=sys.stderr)
    print("Pages : reports/index.html")
    return 1 if failed else 0


def _journal(ligne: str) -> None:
    print(ligne, flush=True)  # as it happens, even into a pipe or a log file


def _parametres_locaux(args) -> int:
    from . import config, parametres  # only for this sub-command (--help answers at once)

    nom = config.display_path(config.LOCAL_PARAMETERS)
    if args.reinitialiser:
        inconnus = [i for i in args.reinitialiser if i not in catalogue.ids()]
        if inconnus:
            raise ErreurUsage(f"rapport inconnu : {', '.join(inconnus)} (rapports : {', '.join(catalogue.ids())})")
        avaient = parametres.reinitialiser(args.reinitialiser)
        for i in args.reinitialiser:
            print(f"{i} : revenu aux valeurs livrées" if i in avaient else f"{i} : déjà sur les valeurs livrées")
        if avaient:  # the pages still show the inputs they were published with, until the next run
            ids = [i for i in args.reinitialiser if i in avaient]
            print(f"{'Ses' if len(ids) == 1 else 'Leurs'} pages montrent encore les anciennes valeurs : republiez "
                  f"avec « cln-analysis run {' '.join(ids)} ».")
        return 0
    enregistres = parametres.lire_locaux()
    if not enregistres:
        print(f"Aucun paramètre enregistré ({nom} absent) : chaque rapport utilise les valeurs livrées.")
        return 0
    print(f"Paramètres enregistrés dans {nom} (utilisés par chaque « cln-analysis run ») :")
    for i in catalogue.ids():
        for n, v in sorted(enregistres.get(i, {}).items()):
            print(f"  {i} : {n} = {v}")
    print("Revenir aux valeurs livrées : cln-analysis parametres --reinitialiser ID")
    return 0


def _check(_args) -> int:
    from . import formats, publication, verification  # heavy (pandas): only for this sub-command

    problems = verification.verifier_tout()
    etrangers = publication.messages_etrangers()  # the published folder holds only what a run made
    for m in etrangers:
        print(m, file=sys.stderr)
    if not problems:
        print("data/raw/ : tous les fichiers sont valides.")
        return 1 if etrangers else 0
    print(f"data/raw/ : {formats.pluriel(len(problems), 'problème trouvé', 'problèmes trouvés')} :", file=sys.stderr)
    for p in problems:
        print(f"- {p}", file=sys.stderr)
    return 1


def _template(args) -> int:
    if args.framaforms:
        from . import framaforms  # heavy (pandas): only for this sub-command

        path = framaforms.ecrire_consignes(args.modele, args.sortie, force=args.force)
        print(f"Fiche Framaforms écrite : {path}")
        return 0
    if args.modele == "retours":
        from . import questionnaire  # heavy (pandas, statsmodels): only for this sub-command

        path = questionnaire.ecrire(args.sortie, force=args.force)
        print(f"Questionnaire vierge écrit : {path}")
        return 0
    from . import feuilles  # heavy (pandas, openpyxl): only for this sub-command

    path = feuilles.ecrire(args.sortie, force=args.force)
    print(f"Feuille vierge écrite : {path}")
    return 0


class Termine(KeyboardInterrupt):
    """SIGTERM (a service manager, `kill`): handled as Ctrl-C is — kernels stopped, state consistent — exit 143."""


def _sur_sigterm(_signum, _frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up short
    erreurs.interrompre(Termine)  # raised, and remembered: a library may clear it (`erreurs.verifier_arret`)


def _sur_ctrl_c(_signum, _frame) -> None:
    erreurs.interrompre(KeyboardInterrupt)  # as Python's own handler, remembered


def main(argv: list[str] | None = None) -> int:
    console_sure()
    args = construire_parseur().parse_args(argv)
    erreurs.oublier_arret()
    try:
        signal.signal(signal.SIGTERM, _sur_sigterm)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # Ctrl-C left ignored when it was
            signal.signal(signal.SIGINT, _sur_ctrl_c)
    except ValueError:  # not the main thread (called from a test's thread): Ctrl-C alone
        pass
    # the warnings of this process (papermill, nbconvert, nbformat, openpyxl writing the workbooks…) name files of
    # the virtual environment, in English: recorded, then said in French — the raw text with --debug only
    # (imported once the arguments are read: --help and usage errors answer at once)
    from . import balayage

    with balayage.avertissements_du_processus() as vus:
        try:
            return _commande(args)
        finally:
            dire_avertissements(vus, args.debug)


def dire_avertissements(vus, debug: bool = False) -> None:
    """What the officer must know of the warnings this process recorded (`balayage.Avertissements`), in French
    on the error stream (with `debug`, each warning as Python prints it, too: the terminal is not published)."""
    for phrase in vus.phrases():
        print(f"attention : {phrase}", file=sys.stderr)
    if debug:
        for w in vus.enregistres:
            sys.stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))


def _commande(args) -> int:
    try:
        commandes = {"run": _run, "parametres": _parametres_locaux, "check": _check, "template": _template}
        return commandes[args.commande](args)
    except ErreurCLN as exc:
        if args.debug:
            traceback.print_exc()
        print(f"Erreur : {exc}", file=sys.stderr)
        return exc.code_sortie
    except KeyboardInterrupt as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        publies = getattr(exc, "publies", [])
        if publies:
            from . import formats  # published whole before the stop: the index and the downloads match them
            print(f"\nInterrompu : {formats.liste(publies)} {'a' if len(publies) == 1 else 'ont'} été "
                  f"{'publié' if len(publies) == 1 else 'publiés'} en entier, page d'accueil et téléchargements "
                  "compris ; les fichiers des autres rapports n'ont pas été modifiés.", file=sys.stderr)
        else:
            print("\nInterrompu : les fichiers déjà en place n'ont pas été modifiés à moitié.", file=sys.stderr)
        return 143 if isinstance(exc, Termine) else 130
    except Exception as exc:  # an unexpected bug: still a French word, the trace with --debug
        if args.debug:
            traceback.print_exc()
        from .balayage import reduire_message  # the message may name a local path: its file name only

        detail = reduire_message(f"{type(exc).__name__} : {exc}", True, repli=type(exc).__name__)
        print(f"Erreur inattendue : {detail}\n(relancez avec --debug pour la trace complète)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
