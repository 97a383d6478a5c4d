# make run: serves the room on SQLite: phones on the same Wi-Fi or hotspot join through this
# computer's LAN address (QR code, join links); PORT=5001 make run for another port,
# HOST=127.0.0.1 make run for this computer only · make test: the whole suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?=
HOST ?=

.PHONY: run test lint translations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/facilitation serve --lan$(if $(HOST), --host $(HOST))$(if $(PORT), --port $(PORT))

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# Re-extract messages after changing user-facing text; edit the .po files, then compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o facilitation/translations/messages.pot .
	$(BIN)/pybabel update -i facilitation/translations/messages.pot -d facilitation/translations
	$(BIN)/pybabel compile -d facilitation/translations

bench: $(VENV)/.installed
	$(BIN)/facilitation bench log

clean:
	rm -rf $(VENV) build *.egg-info
