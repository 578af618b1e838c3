"""The repository itself: clean notebooks, pinned dependencies, environment.yml in step."""

import json
import re
import tomllib
from pathlib import Path

import yaml
from packaging.markers import Marker

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
                assert cell["outputs"] == [] and cell["execution_count"] is None, (
                    f"notebooks/{path.name} a été enregistré avec ses résultats ; pour les effacer : "
                    f"nbstripout --keep-id notebooks/{path.name}   (sans l'environnement conda activé : "
                    f".venv/bin/nbstripout, sous Windows .venv\\Scripts\\nbstripout)")
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]), path.name


def test_notebooks_define_no_function():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        src = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert not re.search(r"^\s*(def|class) ", src, re.M), path.name


def _lock(python: str) -> dict[str, str]:
    """The lock's version of every package for that Python (a universal lock may differ by version)."""
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)(?:\s*;\s*(.*))?$", lock, re.M):
        env = {"python_version": python, "python_full_version": python + ".0"}
        if m.group(3) is None or Marker(m.group(3)).evaluate(env):
            out[_norm(m.group(1))] = m.group(2)
    return out


def test_environment_yml_pins_the_lock_versions():
    """conda env create builds what `make` builds: every dependency of pyproject.toml, at the lock's version."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = pyproject["optional-dependencies"]
    names = {_split(r)[0] for r in pyproject["dependencies"] + extras["test"] + extras["bench"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "cln-analysis" and env["channels"] == ["conda-forge"]
    have, python = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert "-e ." in dep["pip"]
            have.update(_split(d) for d in dep["pip"] if not d.startswith("-e"))
        else:
            name, spec = _split(dep)
            if name == "python":
                assert re.fullmatch(r"=3\.(\d+)", spec) and int(spec.split(".")[1]) >= 11, dep
                python = spec[1:]
            elif name != "pip":
                have[name] = spec
    lock = _lock(python)
    assert sorted(have) == sorted(names)
    for name, spec in have.items():
        assert spec == "==" + lock[name], f"environment.yml : {name}{spec}, requirements.lock : {name}=={lock[name]}"


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
