# Two commands do everything on a fresh machine:  make demo   and   make test
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/data/dagster

.PHONY: demo test ui benchmark install system-packages

demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## encode the sample folder and describe the dataset
	$(BIN)/dagster job execute -m cad_assets.definitions -j build_dataset
	$(BIN)/cad-assets describe

test: $(STAMP) system-packages  ## run the test suite
	$(BIN)/python -m pytest -q

# Debian packages the tests run for real: chromium (the UI tests drive it with Playwright),
# postgresql (a server per test session) and iproute2 (test hosts in network namespaces for the
# Ray cluster). As root (CI's fresh Debian) the missing ones are installed; otherwise those tests
# skip and say why.
SYSTEM_PACKAGES := chromium:chromium postgresql:/usr/lib/postgresql iproute2:ip
system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do package=$${entry%%:*}; probe=$${entry#*:}; \
	  { command -v $$probe || [ -e $$probe ]; } >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; } \
	  || echo "not installed:$$missing (apt-get install them as root): their tests will skip"

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on http://127.0.0.1:3000 (local only)
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

benchmark: $(STAMP)  ## whole ../shared/cad corpus: Dagster pipeline vs a plain process pool
	$(BIN)/python benchmarks/pipeline_efficiency.py

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,torch,postgres,ray]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	ln -sf $(CURDIR)/dagster.yaml $@
