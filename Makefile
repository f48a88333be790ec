# Two entry points: `make run` (install + extract the bundled sample) and `make test` (install + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SAMPLE ?= fixtures/samples/sample.digital.pdf

.PHONY: install run test bench clean

$(BIN)/docextract: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(BIN)/docextract

run: install
	$(BIN)/docextract extract $(SAMPLE)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/docextract bench

clean:
	rm -rf $(VENV) build *.egg-info
