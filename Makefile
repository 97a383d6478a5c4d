# make run: a local server on SQLite at http://127.0.0.1:5000 · make test: the whole suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

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
	$(BIN)/facilitation serve

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
