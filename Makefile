# themekit: two commands on a fresh machine.
#   make demo   set up .venv and run the whole pipeline on transcripts_sample/ into demo/
#   make test   set up .venv with dev extras and run ruff, mypy and pytest (under 3 minutes)
# For contributors:
#   make check  the inner loop: lint and the fast tests (under 30 s)
#   make fuzz   property tests with fresh random examples (make test replays fixed ones)
#   make lock   re-resolve requirements.lock after changing pyproject.toml or constraints.txt
#   make bench  the benchmarks, written to BENCHMARKS.md
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# Every install uses the lock as pip constraints: a fresh machine gets exactly the versions
# the last `make lock` resolved (torch's CPU build among them; unpinned, pip pulls CUDA).
PIP_INSTALL := $(BIN)/pip install -q --disable-pip-version-check
PYTEST := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: demo test check fuzz lint typecheck pytest bench docs lock install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -c $(LOCK) -e ".[dev]"
	$(BIN)/python scripts/lockfile.py check
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
	$(PYTEST) -n 2

test: lint typecheck pytest

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(PYTEST) -n 2 -m "not slow and not subprocess and not property and not tui"

fuzz: $(STAMP)
	THEMEKIT_HYPOTHESIS_PROFILE=fuzz $(PYTEST) -n 2 -m property

# A fresh venv resolved from pyproject.toml and constraints.txt alone, then frozen.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
	.lock-venv/bin/pip freeze --exclude-editable > .lock-venv/freeze.txt
	$(PYTHON) scripts/lockfile.py write .lock-venv/freeze.txt
	rm -rf .lock-venv

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

clean:
	rm -rf $(VENV) .lock-venv demo .pytest_cache .mypy_cache .ruff_cache
