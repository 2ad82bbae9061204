# The README's set-up commands. `make test` and `make demo` create .venv from the lock if needed.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench lint lock system-deps install

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Debian packages the browser test and the compose check use (root on a fresh machine).
system-deps:
	@command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
	@command -v docker-compose >/dev/null || { apt-get update -q && apt-get install -y -q docker-compose; }

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

demo: install
	$(BIN)/ministry-watch demo

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-resolve the dependencies and rewrite the lock (run the suite afterwards).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[test]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .venv-lock
