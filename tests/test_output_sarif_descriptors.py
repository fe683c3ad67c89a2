"""The SARIF log's rule descriptors and column unit, under the names SARIF 2.1.0 gives them: code-scanning
services (GitHub's among them) show a rule's short and full description from these keys, and place a column by
`columnKind`; under any other spelling they show nothing, or place a finding's column wrongly."""

from __future__ import annotations

import json

from modforge.checker import output
from modforge.checker.diagnostic import Diagnostic

FINDING = Diagnostic("modules/oagw/docs/TASKS.md", 12, 5, "MF203", "error", "TASK-OAGW-12 is not defined")


def _run(tmp_path) -> dict:
    text = output.render([FINDING], output.Summary.of([FINDING], 1, 9), "sarif", cwd=str(tmp_path))
    (run,) = json.loads(text)["runs"]
    return run


def test_each_rule_has_its_one_line_summary_and_its_page_as_descriptions(tmp_path):
    (rule,) = _run(tmp_path)["tool"]["driver"]["rules"]
    assert rule["shortDescription"] == {"text": "A reference to a task that no task heading defines."}
    assert list(rule["fullDescription"]) == ["text"]
    full = rule["fullDescription"]["text"]
    assert full.startswith("A reference to a task that no task heading defines.\n\n**What it checks.** Every `TASK-")
    assert full == full.strip()


def test_columns_are_counted_in_unicode_code_points(tmp_path):
    # modforge counts a column in characters, as SARIF's default (UTF-16 code units) would not for text beyond
    # the Basic Multilingual Plane.
    assert _run(tmp_path)["columnKind"] == "unicodeCodePoints"
