# One venv, one command per job. `make test` is what CI runs (via .ci/run).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: install run test lint unit ingest eval bench calibrate clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# the CPU wheel of torch first, so nothing pulls a multi-GB CUDA build
	$(BIN)/pip install torch==2.13.0

install: $(BIN)/python
	$(BIN)/pip install -e '.[test]'

run: install  ## run the app (ingests DATA/corpus, seeded from corpus/, first when the knowledge base is empty)
	$(BIN)/streamlit run app.py --server.port $(PORT)

ingest: install
	$(BIN)/python -m ingest

eval: install
	$(BIN)/python -m evals run evals/sets/seed-regression-dev.jsonl

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy ingest retrieval evals appdb admin

unit:  ## fast tests only (no model, no browser, no servers)
	$(BIN)/pytest -m "not slow and not browser and not server"

test: install lint  ## everything: lint, types, unit, real-model, browser and server tests
	# LangChain's standard retriever suite runs async tests: in a process of its own, since the
	# browser tests' sync Playwright keeps an event loop running in the main thread
	$(BIN)/pytest --ignore=tests/retrieval/test_langchain_standard.py
	$(BIN)/pytest tests/retrieval/test_langchain_standard.py

bench: install  ## speed and memory at 1k and 10k entries vs the LangChain baseline (see BENCHMARKS.md)
	$(BIN)/python -m evals bench --entries 1000 --entries 10000 --json artifacts/bench.json \
		--markdown artifacts/bench.md

# The evaluation corpora, each ingested into its own data dir (gated by a seed set: its rows about
# the seed are skipped, its out-of-scope rows still catch a broken build; how well each corpus is
# answered is what calibrate itself measures and reports).
CAL := artifacts/calibrate
CAL_GATE := --gate-set evals/sets/seed-tuning-dev.jsonl
calibrate: install  ## refit the abstention model on seed, publishers-dev and blind-2026-12-01 (writes retrieval/calibration.toml)
	$(BIN)/python -m ingest --corpus corpus --data $(CAL)/seed $(CAL_GATE)
	$(BIN)/python -m ingest --corpus evals/corpora/publishers-dev --data $(CAL)/publishers $(CAL_GATE)
	$(BIN)/python -m ingest --corpus evals/corpora/blind-2026-12-01 --data $(CAL)/blind $(CAL_GATE)
	$(BIN)/python -m evals calibrate --shipped --json $(CAL)/calibration.json \
		--kb seed $(CAL)/seed 'evals/sets/seed-*.jsonl' \
		--kb seed $(CAL)/seed evals/sets/blind-2026-12-01-seed-dev.jsonl \
		--kb publishers $(CAL)/publishers evals/sets/publishers-dev.jsonl \
		--kb blind $(CAL)/blind evals/sets/blind-2026-12-01-corpus-dev.jsonl

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
