"""The documentation: the site under docs/ builds with mkdocs in strict mode (a broken link or anchor between
pages fails), and every link of the README to a docs page points at a file that exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_site_builds_without_a_broken_link(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "checking" / "index.html").is_file()


def test_a_broken_link_fails_the_build(tmp_path):
    """The build above can fail: the same configuration over a page with a dead link does."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the missing page](missing.md).\n")
    config = tmp_path / "mkdocs.yml"
    text = (REPO_ROOT / "mkdocs.yml").read_text()
    config.write_text(re.sub(r"(?ms)^nav:.*?(?=^\S)", "", text))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "missing.md" in result.stdout + result.stderr


def test_the_readmes_links_into_docs_resolve():
    readme = (REPO_ROOT / "README.md").read_text()
    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", readme)
    assert links, "the README points into the docs"
    missing = [link for link in links if not (REPO_ROOT / link).is_file()]
    assert missing == []


def test_every_docs_page_is_in_the_navigation():
    config = (REPO_ROOT / "mkdocs.yml").read_text()
    pages = sorted(p.name for p in (REPO_ROOT / "docs").glob("*.md"))
    assert [p for p in pages if f": {p}" not in config] == []
