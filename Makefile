# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make demo   install into .venv, plan the bundled 2021 inventory, verify and export it
#   make test   install the test dependencies and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT := out/parler-2021

.PHONY: demo test bench bench-binpack bench-10k bench-100k fuzz clean

$(VENV)/.run-deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(VENV)/.run-deps
	$(BIN)/planner plan inventories/parler-2021.yaml -o $(OUT)
	$(BIN)/planner verify $(OUT)/plan.json
	$(BIN)/planner export $(OUT)/plan.json -o $(OUT)/export

test: $(VENV)/.test-deps
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

fuzz: $(VENV)/.test-deps
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py

bench: $(VENV)/.run-deps
	$(BIN)/python bench/plan_2021.py
	$(BIN)/python bench/whatif_2021.py
	$(BIN)/python bench/stress_2021.py
	$(BIN)/python bench/run.py

bench-binpack: $(VENV)/.run-deps
	$(BIN)/python bench/binpacking.py

bench-10k: $(VENV)/.run-deps
	$(BIN)/python bench/run.py --size 10000 --groups 500 --providers 60

bench-100k: $(VENV)/.run-deps
	$(BIN)/python bench/run.py --size 100000 --time-limit 150 --memory-limit-gb 16

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
