# Two commands do everything on a fresh machine:  make demo   and   make test
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/data/dagster

.PHONY: demo test ui benchmark install chromium

demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## encode the sample folder and describe the dataset
	$(BIN)/dagster job execute -m cad_assets.definitions -j build_dataset
	$(BIN)/cad-assets describe

test: $(STAMP) chromium  ## run the test suite
	$(BIN)/python -m pytest -q

# The UI tests (cad_assets_tests/ui) drive Debian's chromium with Playwright; as root (CI's fresh
# Debian) it is installed when missing, otherwise those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } \
	  || echo "chromium not installed (apt-get install chromium as root): the UI tests will skip"

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on http://127.0.0.1:3000 (local only)
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

benchmark: $(STAMP)  ## whole ../shared/cad corpus: Dagster pipeline vs a plain process pool
	$(BIN)/python benchmarks/pipeline_efficiency.py

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,torch]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	ln -sf $(CURDIR)/dagster.yaml $@
