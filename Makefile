# Scaling Workbook: one entry point.
#   make          set up .venv, fetch the public data, render every notebook into reports/ (command 1)
#   make test     unit tests + nbval over every notebook (command 2; what .ci/run calls)
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

.PHONY: all setup data reports test lab clean
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

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports .pytest_cache
