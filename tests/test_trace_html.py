"""The trace page in a real headless browser: Debian's Chromium driven by Selenium through Debian's chromedriver.

The page must load with no console error, show one row per scenario, change what is visible when a filter
changes, and render (a screenshot that is not blank). The browser runs with no network, no first-run, no
background services and an empty profile. CI installs chromium and chromium-driver (.ci/run); a machine without
them fails here with what to install.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import modforge
from prompt_helpers import copy_at_stage

MODULE = "modules/cred-store"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def page(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = copy_at_stage(template_dir, tmp_path_factory.mktemp("trace-html"), "step4")
    out = root / "trace.html"
    result = modforge("trace", "--format", "html", "-o", out, cwd=root)
    assert result.returncode == 0, result.stderr
    document = json.loads(modforge("trace", "--format", "json", cwd=root).stdout)
    return out, document


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium is missing: `apt-get install -y chromium chromium-driver` (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _visible_rows(browser) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll('tr.scenario')].filter(r => !r.hidden)"
        ".map(r => r.querySelector('strong').textContent)"
    )


def _choose(browser, select_id: str, value: str) -> None:
    browser.execute_script(
        "const s = document.getElementById(arguments[0]); s.value = arguments[1];s.dispatchEvent(new Event('change'));",
        select_id,
        value,
    )


def test_the_page_loads_without_errors_and_shows_every_scenario(page, browser) -> None:
    out, document = page
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html
    assert "https://" not in html
    browser.get(out.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    scenarios = [row["id"] for module in document["modules"] for row in module["scenarios"]]
    assert _visible_rows(browser) == scenarios == [f"SCEN-CREDSTORE-{n:02}" for n in range(1, 13)]
    assert browser.execute_script("return document.querySelectorAll('[role=progressbar]').length") >= 7


def test_filters_change_what_is_visible(page, browser) -> None:
    out, _ = page
    browser.get(out.as_uri())
    phase_1, phase_2 = ([f"SCEN-CREDSTORE-{n:02}" for n in numbers] for numbers in (range(1, 9), range(9, 13)))
    _choose(browser, "phase-filter", "2")
    assert _visible_rows(browser) == phase_2
    _choose(browser, "phase-filter", "all")
    _choose(browser, "gap-filter", "no-test")
    assert _visible_rows(browser) == phase_2  # phase 1 has its E2E tests
    _choose(browser, "gap-filter", "none")
    assert _visible_rows(browser) == phase_1
    assert browser.find_element("id", "visible-count").text == "8 scenarios shown"


def test_links_point_at_file_and_line(page, browser) -> None:
    out, _ = page
    browser.get(out.as_uri())
    href = browser.execute_script("return document.querySelector('tr.scenario a').getAttribute('href')")
    assert href.startswith("file://")
    assert href.endswith("/modules/cred-store/docs/INTENT_SCENARIOS.md#L5")


def test_a_screenshot_is_not_blank(page, browser, tmp_path: Path) -> None:
    out, _ = page
    browser.get(out.as_uri())
    shot = tmp_path / "trace.png"
    browser.save_screenshot(str(shot))
    colours = browser.execute_script(
        """
        const img = new Image(); img.src = arguments[0];
        return new Promise(done => img.onload = () => {
          const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
          const g = c.getContext('2d'); g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
          for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
          done(seen.size);
        });
        """,
        "data:image/png;base64," + browser.get_screenshot_as_base64(),
    )
    assert shot.stat().st_size > 10_000
    assert colours > 20  # text, bars and highlighted gaps, not one flat colour
