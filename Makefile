# cln-analysis — every command sets up what it needs by itself.
# `make help` lists the targets (each documented by the `##` comment above it).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help reports captures test test-installation lint bench check lock lab clean-reports

## Show this help.
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z-]+:/{if(doc){split($$1,t,":"); printf "  make %-14s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@# --compile-bytecode: kernels and the runner then import pandas & co. from .pyc files, also where
	@# PYTHONDONTWRITEBYTECODE is set (each process would compile them again: about 1 s of CPU each)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@# the package's own bytecode too (an editable install is not compiled): every kernel imports it, and where
	@# PYTHONDONTWRITEBYTECODE is set each would compile it again (about 0,2 s of CPU); a file edited later is
	@# simply compiled in memory again (Python checks each .pyc against its source)
	$(BIN)/python -m compileall -q cln_analysis >/dev/null
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (cln-analysis)" >/dev/null
	@# nbstripout as a git filter: a notebook saved with its outputs is committed without them (cell ids kept;
	@# git runs the filter from the top of the work tree, so the relative path holds). No git: nothing to do.
	@# The index refreshed first, without the filter (`cat`): in a fresh clone every file is as recent as the index
	@# ("racily clean"), so the first `git status` would compare each notebook through the filter (a Python process
	@# each, some 15 s); compared as they are (committed without outputs, so unchanged), they are then clean by date.
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git -c filter.nbstripout.clean=cat update-index -q --refresh >/dev/null 2>&1; \
	  git config filter.nbstripout.clean "$(BIN)/python -m nbstripout --keep-id" && \
	  git config filter.nbstripout.smudge cat && git config diff.ipynb.textconv "$(BIN)/python -m nbstripout -t"; fi
	@touch $(STAMP)

## Build every report, from data/raw/ to reports/ (creates .venv/ when missing).
reports: $(STAMP)
	$(BIN)/cln-analysis run $(ARGS)

## Screenshots of every page of reports/ at 375 and 1 280 px, and bilan in A4 PDF, in build/captures/ (needs Chromium).
captures: $(STAMP)
	$(BIN)/python tools/captures.py $(ARGS)

## Run the whole test suite on 2 workers (creates .venv/ when missing; PYTEST_WORKERS=0 runs it in one process).
test: $(STAMP)
	$(BIN)/ruff check cln_analysis tests benchmarks tools notebooks
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## Try the guide's install path without make (venv, pip, python -m cln_analysis), from scratch: several minutes.
test-installation: $(STAMP)
	CLN_TEST_INSTALLATION=1 $(BIN)/python -m pytest -p no:xdist tests/test_guide.py -k install_without_make

## Lint the code with ruff (pyflakes, bugbear, import order, lines of at most 120 characters).
lint: $(STAMP)
	$(BIN)/ruff check cln_analysis tests benchmarks tools notebooks

## Validate every file of data/raw/ and list every problem.
check: $(STAMP)
	$(BIN)/cln-analysis check

## Measure the run time of the reports against a bare notebook (not part of `make test`).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(ARGS)

## Open JupyterLab on the notebooks, with the project's kernel (an interactive run publishes nothing).
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

## Re-resolve requirements.lock from pyproject.toml (only when changing dependencies).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --universal --python-version 3.11 --quiet -o requirements.lock

## Delete the generated reports (data/processed/ is kept: it is committed).
clean-reports:
	rm -rf reports/*.html reports/audit reports/notebooks reports/donnees reports/.cache build
