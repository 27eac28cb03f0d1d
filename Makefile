# themekit: two commands on a fresh machine.
#   make demo   set up .venv and run the whole pipeline on transcripts_sample/ into demo/
#   make test   set up .venv with dev extras and run ruff, mypy and pytest
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# constraints.txt pins torch to the CPU build on disk (otherwise pip pulls CUDA).
PIP_INSTALL := $(BIN)/pip install -q --disable-pip-version-check -c constraints.txt

.PHONY: demo test lint typecheck pytest bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python scripts/demo.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy src/themekit

pytest: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -n 2 -p no:cacheprovider

test: lint typecheck pytest

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
