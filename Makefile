# Two commands do everything on a fresh machine with Python 3.11+:
#   make run    set up, then solve the default scenario (Khanh Phu) and print the result
#   make test   set up, then lint and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup run test lint docs bench bench-sweep bench-resolve bench-periods bench-perf clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/eipopt solve scenarios/khanh_phu

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

bench: setup   # published optima: large OR-Library and FCNetLib instances vs HiGHS alone (about 30 min)
	$(BIN)/python -m benchmarks.run

bench-sweep: setup   # build once and re-solve vs rebuild per case (a few minutes)
	$(BIN)/python benchmarks/sweep_reuse.py

bench-resolve: setup   # one what-if re-solved on a built model against a rebuild and against the time inside HiGHS (a few minutes)
	$(BIN)/python benchmarks/resolve.py

bench-periods: setup   # build and solve time at 1, 5 and 20 periods, a pilot park and a large synthetic one (a few minutes)
	$(BIN)/python -m benchmarks.periods_scaling

bench-perf: setup   # the performance targets side by side: re-solve, sweeps, build vs linopy, memory, start-up (about 12 min on an idle 2-core machine)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/perf.py

docs: setup
	$(BIN)/python -m eipopt.docs

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
