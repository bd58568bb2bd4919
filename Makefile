# Two commands matter: `make run` (set up and serve on SQLite) and `make test` (set up and test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test bench lint migrate-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) framework load
	@echo ""
	@$(FLASK) demo seed
	@echo ""
	@echo "  Commitment Tracker is starting on SQLite (instance/tracker.db)."
	@echo "  Open http://$(HOST):$(PORT)/ in your browser; log in at http://$(HOST):$(PORT)/login"
	@echo "  Stop with Ctrl+C."
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn with gunicorn.conf.py on the database TRACKER_DATABASE_URL names.
# Needs TRACKER_SECRET_KEY, TRACKER_AUDIT_KEY and TRACKER_BASE_URL; migrate and load the framework first (see README, "Running in production").
serve: $(VENV)/.runtime
	@test -n "$$TRACKER_DATABASE_URL" || (echo "Set TRACKER_DATABASE_URL (e.g. postgresql://tracker@localhost/tracker)"; exit 1)
	@test -n "$$TRACKER_SECRET_KEY" || (echo "Set TRACKER_SECRET_KEY to a long random value"; exit 1)
	@test -n "$$TRACKER_AUDIT_KEY" || (echo "Set TRACKER_AUDIT_KEY to another long random value (it keys the audit chain)"; exit 1)
	@test -n "$$TRACKER_BASE_URL" || (echo "Set TRACKER_BASE_URL to the site's address (e.g. https://tracker.example.org)"; exit 1)
	TRACKER_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# One pytest worker per core (pytest-xdist); a test module stays on one worker, so its fixtures are shared.
PYTEST_WORKERS ?= auto
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Figures at the demonstration and the stress scale (60 countries × 12 cycles); prints a table.
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
