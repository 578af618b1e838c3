"""The command line: exit statuses, French usage errors, parameters, no traceback."""

from conftest import cli


def test_undeclared_parameter_is_a_usage_error(depot):
    res = cli(depot, "run", "budget", "-p", "inconnu=1")
    assert res.returncode == 2
    assert "paramètre inconnu « inconnu »" in res.stderr and "population" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (depot / "reports" / "budget.html").exists()


def test_parameter_of_the_wrong_type(depot):
    res = cli(depot, "run", "budget", "-p", "population=abc")
    assert res.returncode == 2
    assert "« abc » n'est pas un nombre entier" in res.stderr


def test_badly_written_parameter_and_unknown_report(depot):
    assert cli(depot, "run", "-p", "population").returncode == 2
    res = cli(depot, "run", "budjet")
    assert res.returncode == 2 and "rapport inconnu : budjet" in res.stderr


def test_argparse_errors_are_french(depot):
    res = cli(depot, "run", "--vite")
    assert res.returncode == 2 and "arguments non reconnus : --vite" in res.stderr
    res = cli(depot, "lancer")
    assert res.returncode == 2 and "choix invalide « lancer »" in res.stderr


def test_help_is_french(depot):
    res = cli(depot, "run", "--help")
    assert res.returncode == 0 and "Utilisation :" in res.stdout and "paramètre du notebook" in res.stdout


def test_check_passes_on_the_raw_data(depot):
    res = cli(depot, "check")
    assert res.returncode == 0, res.stderr
    assert "tous les fichiers sont valides" in res.stdout


def test_check_lists_every_problem(depot):
    (depot / "data/raw/budget_mandate.csv").write_text(
        "annee,section,budget_numerique,budget_total\n2025,investissement,50000000,41801894\n2025,fonctionnement,x,1\n")
    res = cli(depot, "check")
    assert res.returncode == 1
    assert "budget_mandate.csv, ligne 3, colonne « budget_numerique » : « x » n'est pas un nombre entier" in res.stderr


def test_the_inputs_in_use_persist_visibly(depot_copie):
    """`-p` records; every later run uses it and says so; --essai and --defauts record nothing; reset."""
    import tomllib

    from conftest import REPO

    depot, local = depot_copie, depot_copie / "parametres.local.toml"
    figures = depot / "data/processed/figures.csv"
    res = cli(depot, "run", "budget", "-p", "population=100000")
    assert res.returncode == 0, res.stderr
    assert ("budget : entrées autres que celles livrées, enregistrées dans parametres.local.toml si le rapport "
            "réussit : population = 100000") in res.stdout
    assert tomllib.loads(local.read_text(encoding="utf-8")) == {"budget": {"population": "100000"}}
    avec = figures.read_bytes()
    assert avec != (REPO / "data/processed/figures.csv").read_bytes()
    res = cli(depot, "run")  # a plain run keeps the recorded value: nothing to redo
    assert res.returncode == 0 and "Bilan : 0 produit, 6 inchangés, 0 en échec." in res.stdout
    assert "budget : entrées autres que celles livrées, enregistrées dans parametres.local.toml : population = " \
           "100000" in res.stdout
    assert "budget : population = 100000" in cli(depot, "parametres").stdout
    res = cli(depot, "run", "--defauts", "budget")  # the audit's run on the shipped defaults
    assert res.returncode == 0 and "budget : fait" in res.stdout and "entrées autres" not in res.stdout
    assert figures.read_bytes() == (REPO / "data/processed/figures.csv").read_bytes()
    res = cli(depot, "run", "budget", "--essai", "-p", "population=5")
    assert "pour cette exécution seulement (non enregistrées) : population = 5" in res.stdout
    assert tomllib.loads(local.read_text(encoding="utf-8")) == {"budget": {"population": "100000"}}
    res = cli(depot, "run", "budget")  # the next run puts the recorded value back (the guide says so)
    assert "budget : fait" in res.stdout and figures.read_bytes() == avec
    assert cli(depot, "run", "--defauts", "-p", "population=5").returncode == 2
    res = cli(depot, "parametres", "--reinitialiser", "budget")
    assert res.returncode == 0 and "budget : revenu aux valeurs livrées" in res.stdout and not local.exists()
    assert "republiez avec « cln-analysis run budget »" in res.stdout  # its pages still show 100 000
    assert "Aucun paramètre enregistré" in cli(depot, "parametres").stdout
    res = cli(depot, "parametres", "--reinitialiser", "budget")  # nothing recorded any more: nothing to republish
    assert "budget : déjà sur les valeurs livrées" in res.stdout and "republiez" not in res.stdout


def test_a_name_several_reports_declare_and_a_vanished_recorded_file(depot):
    res = cli(depot, "run", "-p", "donnees=exports/appels_2026.xlsx")
    assert res.returncode == 2
    assert "nommez le rapport (par exemple -p budget.donnees=…)" in res.stderr
    (depot / "parametres.local.toml").write_text('[appels]\ndonnees = "exports/appels_2026.xlsx"\n', encoding="utf-8")
    res = cli(depot, "run")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert ("Erreur : parametres.local.toml : le fichier « exports/appels_2026.xlsx », enregistré pour le paramètre "
            "« donnees » du rapport appels, n'existe plus.") in res.stderr
    assert "cln-analysis parametres --reinitialiser appels" in res.stderr
    assert list((depot / "reports").iterdir()) == []  # nothing ran, nothing written


def test_resetting_two_reports_says_their_pages_wait_for_a_run(depot):
    (depot / "parametres.local.toml").write_text('[budget]\npopulation = "90000"\n[cvs]\npopulation = "90000"\n',
                                                 encoding="utf-8")
    res = cli(depot, "parametres", "--reinitialiser", "budget", "cvs", "appels")
    assert res.returncode == 0
    assert res.stdout.splitlines() == [
        "budget : revenu aux valeurs livrées", "cvs : revenu aux valeurs livrées",
        "appels : déjà sur les valeurs livrées",
        "Leurs pages montrent encore les anciennes valeurs : republiez avec « cln-analysis run budget cvs »."]
