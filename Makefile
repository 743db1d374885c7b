# Joint Operations Planner
#   make run    install into .venv, prepare the embedded SQLite database, serve on http://127.0.0.1:5000
#   make test   install the test tools into .venv and run the whole test suite
#               (PYTEST_ARGS passes options to pytest, e.g. make test PYTEST_ARGS='-m "not e2e"')

PYTHON = python3
VENV = .venv
PY = $(VENV)/bin/python
FLASK = $(VENV)/bin/flask
PIP = $(PY) -m pip --disable-pip-version-check --quiet
HOST = 127.0.0.1
PORT = 5000
PYTEST_ARGS =

.PHONY: run test system-packages

run: $(VENV)/.installed-server
	mkdir -p "$${PLANNER_INSTANCE_DIR:-instance}"
	$(FLASK) --app app db upgrade
	$(FLASK) --app app planner init
	$(FLASK) --app app planner seed-demo --if-empty
	@echo "Open http://$(HOST):$(PORT) and log in with one of the demo logins above (Ctrl-C stops the server)."
	PLANNER_SCHEDULER="$${PLANNER_SCHEDULER:-embedded}" $(FLASK) --app app run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev system-packages
	$(PY) -m pytest $(PYTEST_ARGS) || { status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no test: that is a failure." >&2; fi; exit $$status; }

# The project is installed again only when pyproject.toml is newer than the last install (the stamp files).
$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-server: pyproject.toml $(PY)
	$(PIP) install -e '.[server]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(PY)
	$(PIP) install -e '.[dev]'
	touch $@

# Debian's Chromium drives the browser tests (tests/e2e) and pdftotext reads generated PDFs back.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || echo "Could not install$$missing; the tests that need them will be skipped." >&2; \
	else \
	  echo "Missing:$$missing. Install them with: sudo apt-get install chromium poppler-utils" >&2; \
	  echo "Until then the browser tests are skipped (the reason is in the summary)." >&2; \
	fi
