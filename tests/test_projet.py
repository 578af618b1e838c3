"""The repository itself: clean notebooks, pinned dependencies, environment.yml in step."""

import json
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]), path.name


def test_notebooks_define_no_function():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        src = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert not re.search(r"^\s*(def|class) ", src, re.M), path.name


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = pyproject["optional-dependencies"]
    wanted = dict(_split(r) for r in pyproject["dependencies"] + extras["test"] + extras["bench"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    have = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert "-e ." in dep["pip"]
            have.update(_split(d) for d in dep["pip"] if not d.startswith("-e"))
        else:
            name, spec = _split(dep)
            if name not in ("python", "pip"):
                have[name] = spec
    assert have == wanted
    py = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert py.replace(" ", "") == "python" + pyproject["requires-python"]


def test_lock_file_pins_every_dependency():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = {_norm(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==", lock, re.M)}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = pyproject["optional-dependencies"]
    for req in pyproject["dependencies"] + extras["test"] + extras["bench"]:
        assert _split(req)[0] in pinned, req
    assert not re.search(r"^[A-Za-z0-9_.\-]+\s*(>=|~=|<)", lock, re.M)


def test_environment_yml_comment_names_a_test_that_exists():
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    for name in re.findall(r"tests/(test_\w+\.py)", text):
        assert (REPO / "tests" / name).is_file(), name
