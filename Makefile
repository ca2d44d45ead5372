# Two commands for a new machine: `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## demo: a real /recommend end to end on the shipped catalog and model, offline drafter
demo: $(STAMP)
	$(BIN)/personabot recommend "30s dry-skin woman, moisture"
	$(BIN)/personabot recommend "30대 건성 여성 보습" --top 3 --channel lms

## test: the whole suite, no network
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

## bench: speed and quality benchmarks, JSON under benchmarks/results/
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
