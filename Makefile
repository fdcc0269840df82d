PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The local model's runtime (llama.cpp through llama-cpp-python) is built for a CPU baseline,
# not for this machine's CPU, and cached per build flags: see tools/local-runtime.sh.
# LLAMA_CPU=portable (default) | compat (x86-64 CPUs without AVX2) | native (this CPU only).
export LLAMA_CPU ?= portable
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2

.PHONY: demo demo-scripted test lint install runtime clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml Makefile tools/local-runtime.sh
	bash tools/local-runtime.sh $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev,local,mcp]'
	touch $(STAMP)

install: $(STAMP)

# Reinstall the local runtime alone, e.g. `make runtime LLAMA_CPU=compat` on an old CPU.
runtime: $(BIN)/python
	bash tools/local-runtime.sh $(BIN)/python

demo: $(STAMP)
	rm -rf runs/demo
	@# Exit 1 means "ran, but the repository did not verify" (a 1.5B model is not always
	@# right): the demo still showed the pipeline; any other failure fails the target.
	$(BIN)/repowright run examples/todo_cli.md --out runs/demo --model local; \
	rc=$$?; if [ $$rc -eq 1 ]; then echo "demo finished: the generated repository did not verify (see runs/demo/report.md)"; exit 0; fi; exit $$rc

demo-scripted: $(STAMP)
	rm -rf runs/demo-scripted
	$(BIN)/repowright run examples/todo_cli.md --out runs/demo-scripted --model scripted:examples/todo_cli.scripted.json

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist src/*.egg-info
