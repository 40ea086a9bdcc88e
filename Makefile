# Scaling Workbook: one entry point.
#   make          set up .venv, fetch the public data, render every notebook into reports/ (command 1)
#   make test     unit tests + nbval over every notebook (command 2; what .ci/run calls)
#   make test-kernels   make test under four OpenBLAS kernels x 1 and 2 threads (scripts/test_kernels.sh)
# The offline mirror ../shared/data is used when it exists, unless SCALING_LIB_DATA_MIRROR is already set.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCALING_LIB_DATA_MIRROR ?= $(if $(wildcard ../shared/data/MANIFEST.csv),$(abspath ../shared/data),)
export SCALING_LIB_DATA_MIRROR
# Headless runs draw static figures instead of widgets.
reports test: export SCALING_LIB_HEADLESS := 1

TEST_COMMAND = $(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-current-env \
	--nbval-sanitize-with=tests/nbval_sanitize.cfg tests notebooks

.PHONY: all setup data reports test test-kernels lab clean
.PHONY: browser-setup browser-test
all: reports

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

data: setup
	$(BIN)/python -m scaling_lib fetch

reports: data
	$(BIN)/python -m scaling_lib report

test: data
	$(TEST_COMMAND)

test-kernels: data
	bash scripts/test_kernels.sh

# JupyterLab on this machine only (127.0.0.1). LAB_PORT sets the port, LAB_ARGS adds options (the browser
# tests pass --no-browser and give the token in JUPYTER_TOKEN, so that it is not on the command line).
# As root (as on the project's machines) Jupyter refuses to start without --allow-root.
LAB_IP ?= 127.0.0.1
LAB_PORT ?= 8888
LAB_ARGS ?=
lab: setup
	$(BIN)/jupyter lab --ServerApp.ip=$(LAB_IP) --ServerApp.port=$(LAB_PORT) \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) notebooks/

# Browser tests (tests/browser): `make lab` in headless Chromium, driven by Playwright. browser-setup installs
# the Python extra and Debian's chromium (apt-get: needs root; without root it says what to run instead).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
BROWSER_TEST_COMMAND = $(BIN)/python -m pytest -p no:cacheprovider -v tests/browser
browser-setup: setup
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[browser]"
	@if [ -x "$(CHROMIUM)" ]; then echo "browser-setup: $$($(CHROMIUM) --version 2>/dev/null) at $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then echo "browser-setup: apt-get install -y chromium"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && $(CHROMIUM) --version 2>/dev/null; \
	else echo "browser-setup: Debian's chromium is missing and installing it needs root:" \
		"run 'sudo apt-get install -y chromium' (the browser tests skip until then)"; fi

browser-test: setup
	SCALING_LIB_BROWSER_TESTS=1 $(BROWSER_TEST_COMMAND)

clean:
	rm -rf reports .pytest_cache
