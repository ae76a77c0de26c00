"""The Dagster UI in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright for Python) against ``dagster-webserver`` on 127.0.0.1, over an output built from
three sample parts and one file that is not a STEP file.

What a user must see without hunting: the asset graph; the bad file's partition of
``cad_encodings`` failed (not missing), with its error type and message on its partition page;
a part's preview on its partition page; the dataset's charts and its passing checks.

Skipped, with the reason, only when Playwright or Chromium is not installed (``make test``
installs both: ``.ci/run`` on a fresh machine). A failing test leaves a screenshot of the page
in its temporary folder and names it in the failure.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import pytest

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "data" / "sample" / "mfcad"
CHROMIUM = os.environ.get("CAD_ASSETS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WEBSERVER = Path(sys.executable).with_name("dagster-webserver")
BAD = "parts/not_a_step.step"
#: Longest wait for the UI (a page, the code location, a query), in milliseconds.
TIMEOUT_MS = 60_000


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[dev]' "
                    "(`make test` does)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (`make test` "
                    "does; CAD_ASSETS_CHROMIUM names another binary)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _build(root: Path) -> dict:
    """Sources, output and Dagster home under ``root``, built by ``build_dataset``; returns the
    environment the code location reads them from."""
    from cad_assets.defs.definitions import build_definitions
    from cad_assets.defs.resources import CadPipelineSettings

    parts = root / "parts"
    parts.mkdir(parents=True)
    for path in sorted(SAMPLE.glob("*.step"))[:3]:
        shutil.copyfile(path, parts / path.name)
    (parts / "not_a_step.step").write_bytes(b"this is not a STEP file\n" * 20)
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    environment = {"DAGSTER_HOME": str(home), "CAD_ASSETS_SOURCES": str(parts),
                   "CAD_ASSETS_OUTPUT": str(root / "out"), "CAD_ASSETS_WORKERS": "1"}
    settings = CadPipelineSettings(sources=str(parts), output_dir=str(root / "out"), workers=1)
    job = build_definitions(settings=settings).resolve_job_def("build_dataset")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert job.execute_in_process(instance=instance, raise_on_error=False).success
    return environment


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """``(base URL, browser page, folder for screenshots)``: the webserver over the built
    output, stopped (its whole process group, by pid) at the end."""
    sync_playwright = _playwright()
    root = tmp_path_factory.mktemp("ui")
    environment = {**os.environ, **_build(root)}
    port = _free_port()
    log = (root / "webserver.log").open("w")
    server = subprocess.Popen(
        [str(WEBSERVER), "-h", "127.0.0.1", "-p", str(port), "-m", "cad_assets.definitions"],
        cwd=PROJECT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its code server too: one process group to stop
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/server_info", server, root / "webserver.log")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True,
                args=["--no-sandbox", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            yield base, page, root
            browser.close()
    finally:
        _stop(server)
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster-webserver exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"dagster-webserver did not answer {url} in {seconds} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen):
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def _screenshot_on_failure(page, folder: Path, name: str):
    try:
        yield
    except Exception as error:
        shot = folder / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        raise AssertionError(f"{error}\n(screenshot of the page: {shot})") from error


def _open(page, base: str, path: str):
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    # The first visit of an instance asks for an e-mail address in a dialog over the page.
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(state="visible", timeout=1500)
    except Exception:
        return
    skip.click()


def _partition_url(key: str) -> str:
    return f"/assets/cad_encodings?view=partitions&partition={quote(key, safe='')}"


def test_asset_graph_shows_every_asset(ui):
    base, page, folder = ui
    with _screenshot_on_failure(page, folder, "asset_graph"):
        _open(page, base, "/asset-groups")
        for asset in ("cad_files", "cad_encodings", "cad_errors", "cad_infoset", "cad_dataset",
                      "cad_attribset", "cad_run_summary"):
            page.locator("[data-testid='asset-node'], div, span", has_text=asset).first \
                .wait_for(state="visible")
        assert page.get_by_text("Materialize all").first.is_visible()


def test_failed_file_is_a_failed_partition_with_its_error(ui):
    from playwright.sync_api import expect

    base, page, folder = ui
    with _screenshot_on_failure(page, folder, "failed_partition"):
        _open(page, base, "/assets/cad_encodings?view=partitions")
        expect(page.get_by_text("Failed (1)")).to_be_visible()
        expect(page.get_by_text("Materialized (3)")).to_be_visible()
        expect(page.get_by_text("Missing (0)")).to_be_visible()

        _open(page, base, _partition_url(BAD))
        expect(page.get_by_text("failed, and did not materialize this asset")).to_be_visible()
        # The banner's "View logs": the failed-files run, one line per file with its error.
        page.get_by_role("button", name="View logs").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text(f"{BAD}: CadParseError").first).to_be_visible()
        expect(dialog.get_by_text("does not start with 'ISO-10303-21;'").first).to_be_visible()
        page.get_by_role("button", name="Done").click()
        expect(page.get_by_role("dialog")).to_have_count(0)

        # Its observation, under "View all historical events": the error type and message.
        page.get_by_text("View all historical events (1)").click()
        events = page.get_by_role("dialog")
        events.get_by_text("Observation", exact=True).click()
        expect(events.get_by_text("CadParseError").first).to_be_visible()
        expect(events.get_by_text("does not start with").first).to_be_visible()
        events.get_by_role("button", name="OK").click()


def test_a_parts_preview_is_shown_on_its_partition(ui):
    from playwright.sync_api import expect

    base, page, folder = ui
    good = f"parts/{sorted(SAMPLE.glob('*.step'))[0].name}"
    with _screenshot_on_failure(page, folder, "preview"):
        _open(page, base, _partition_url(good))
        expect(page.get_by_text("Materialized", exact=True)).to_be_visible()
        picture = page.locator("tr", has=page.get_by_text("preview", exact=True)) \
            .locator("img[src^='data:image/png;base64,']")
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth") >= 48


def test_dataset_shows_its_charts_and_passing_checks(ui):
    from playwright.sync_api import expect

    base, page, folder = ui
    with _screenshot_on_failure(page, folder, "dataset"):
        _open(page, base, "/assets/cad_dataset")
        row = page.locator("tr", has=page.get_by_text("chart/surface_types/counts", exact=True))
        expect(row.get_by_text("plane", exact=True)).to_be_visible()
        expect(row.get_by_text("\u2588" * 16)).to_be_visible()
        errors = page.locator("tr", has=page.get_by_text("chart/errors/counts", exact=True))
        expect(errors.get_by_text("CadParseError", exact=True)).to_be_visible()
        # The drawn chart, one click away.
        page.locator("tr", has=page.get_by_text("chart/surface_types", exact=True)) \
            .get_by_text("[Show Markdown]").click()
        chart = page.get_by_role("dialog").locator("img[src^='data:image/png;base64,']")
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.naturalWidth") >= 300

        # Each check (by a metadata entry only it has) passed on its latest execution.
        for asset, checks in (
                ("cad_dataset", {"rows_match_catalogue": "infoset_rows",
                                 "declared_arrays": "declared_arrays"}),
                ("cad_infoset", {"rows_match_catalogue": "encoded_in_catalogue",
                                 "declared_columns": "declared"})):
            _open(page, base, f"/assets/{asset}?view=checks")
            expect(page.get_by_text(f"Checks ({len(checks)})")).to_be_visible()
            for check, entry in checks.items():
                page.get_by_text(check, exact=True).first.click()
                expect(page.get_by_text(entry, exact=True).first).to_be_visible()
                expect(page.get_by_text("Passed", exact=True)).to_be_visible()
