"""The repository root, overridable at run time: every path follows it, and comes back."""

from pathlib import Path

from cln_analysis import catalogue, config


def test_every_path_follows_the_root_and_comes_back(tmp_path):
    avant = config.ROOT
    with config.racine(tmp_path) as root:
        assert root == tmp_path.resolve() == config.ROOT
        for nom in ("RAW_DIR", "PROCESSED_DIR", "FIGURES_CSV", "INDEX_HTML", "STATE_FILE", "DECLARATIONS",
                    "LOCAL_PARAMETERS", "DATAPACKAGE", "AUDIT_DIR"):
            assert tmp_path.resolve() in getattr(config, nom).parents, nom
        assert config.resolve("data/raw/x.csv") == tmp_path.resolve() / "data/raw/x.csv"
        assert config.display_path(tmp_path / "reports/index.html") == "reports/index.html"
    assert config.ROOT == avant and config.FIGURES_CSV == avant / "data/processed/figures.csv"
    assert catalogue.par_id("budget").page == avant / "reports/budget.html"


def test_a_user_path_absolute_or_relative():
    assert config.resolve("/tmp/x.csv") == Path("/tmp/x.csv")
    assert config.display_path("/home/marie.dupont/part.csv") == "part.csv"  # never a local folder (issue 23)
