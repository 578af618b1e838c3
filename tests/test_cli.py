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
