"""`copier update` between every released template version and the current one, end to end.

For each older release: copy a module at that tag, commit, make the edits a team makes while working
through the pipeline (docs rewritten in the spec's style, requirements and scenarios added, tasks ticked,
code changed), commit, then run the real `copier update`. The edits must survive, the release's process
change must arrive, the answers must record the new version, and no conflict may be left where the user
and the template did not change the same lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, modforge, one_error_line
from conftest import git, init_repo

from modforge import __version__
from modforge.documents import parser
from modforge.lifecycle import conflicts, releases
from modforge.spec import layout
from modforge.spec.grammar import IdKind, format_id

OLD_VERSIONS = [v for v in template_repos.versions() if v != __version__]
MODULES = [
    {"module_name": "cred-store", "persistence": "true"},
    {"module_name": "oagw-apikey", "category": "worker", "gts": "true", "phases": "1"},
]


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


def copy_at(template: Path, destination: Path, version: str, answers: dict[str, str]) -> Path:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    result = copier("copy", "--trust", "--defaults", "-r", releases.tag(version), *data, template, destination)
    assert result.returncode == 0, result.stderr
    return destination


def level2(path: Path) -> list[str]:
    doc = parser.parse_text(path.read_text(), path, path.name)
    return [h.text for h in doc.headings if h.level == 2]


# --- the edits a team makes while working through the pipeline -----------------------------------------


def _insert_after_heading(path: Path, starts: str, lines: list[str], *, level: int = 2) -> None:
    """Put `lines` right under the first heading starting with `starts` (no blank line: the spec's style)."""
    text = path.read_text()
    doc = parser.parse_text(text, path, path.name)
    heading = next(h for h in doc.headings if h.level == level and h.text.startswith(starts))
    rows = text.splitlines(keepends=True)
    rows[heading.line : heading.line] = [line + "\n" for line in lines]
    path.write_text("".join(rows))


def team_edits(module: Path, answers: dict) -> list[tuple[str, str]]:
    """Edit docs and code as a team does; returns (file, line) pairs that must survive the update."""
    prefix, snake = answers["id_prefix"], answers["module_name"].replace("-", "_")
    docs = module / layout.DOCS_DIR
    kept: list[tuple[str, str]] = []

    def under(doc: str, heading: str, lines: list[str], level: int = 2) -> None:
        _insert_after_heading(docs / doc, heading, lines, level=level)
        kept.extend((f"docs/{doc}", line) for line in lines)

    # Step 1: the design in the spec's style, each section's text right under its heading.
    under(layout.INTENT_DESIGN, "Overview", ["Keeps tenant secrets for outbound calls; callers never see them."])
    under(layout.INTENT_DESIGN, "API Surface", ["- `get_secret()` - returns one secret of the caller's tenant"])
    under(layout.INTENT_DESIGN, "Security", ["Secrets are encrypted at rest with the tenant's data key."])
    under(layout.INTENT_DESIGN, "Observability", ["- Secret values are never logged, only their ids"])
    phase1 = format_id(IdKind.PHASE, prefix, 1)
    under(layout.INTENT_DESIGN, answers["phase_titles"][0], ["- Store and read secrets per tenant"], level=3)
    # Step 2: requirements and scenarios.
    req, scen = format_id(IdKind.REQ, prefix, 1), format_id(IdKind.SCEN, prefix, 1)
    requirement = [f"### {req}: Tenant Isolation", "The module MUST only return the caller's tenant's secrets (REQ-1)."]
    path = docs / layout.INTENT_REQUIREMENTS
    path.write_text(path.read_text() + "\n" + "\n".join(requirement) + "\n")
    kept.extend((f"docs/{layout.INTENT_REQUIREMENTS}", line) for line in requirement)
    scenario = [
        f"### {scen}: Read own secret",
        "- **WHEN** a caller reads a secret of its tenant",
        f"- **THEN** it is returned ({req})",
    ]
    under(layout.INTENT_SCENARIOS, phase1, ["", *scenario])
    # Step 3: tasks ticked and refined.
    tasks = docs / layout.TASKS
    text = tasks.read_text().replace("- [ ] 1.1 ", "- [x] 1.1 ", 1).replace("- [ ] 1.2 ", "- [x] 1.2 ", 1)
    tasks.write_text(text)
    under(
        layout.TASKS, format_id(IdKind.TASK, prefix, 1), ["- [x] 1.0 Agree on the secret size limit with security"], 3
    )
    kept.extend(("docs/TASKS.md", line) for line in text.splitlines() if line.startswith(("- [x] 1.1 ", "- [x] 1.2 ")))
    # Code: a config field and a comment.
    config = module / answers["module_name"] / "src" / "config.rs"
    if config.exists():
        addition = "// Rotation interval for secrets, in days (team decision, see INTENT_DESIGN.md)."
        config.write_text(config.read_text() + "\n" + addition + "\n")
        kept.append((config.relative_to(module).as_posix(), addition))
    readme = module / "README.md"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nOn-call: #secrets-oncall.\n")
    kept.append(("README.md", "On-call: #secrets-oncall."))
    assert snake  # the module's snake name appears in the code paths the template renders
    return kept


@pytest.fixture(
    params=[(old, m) for old in OLD_VERSIONS for m in MODULES], ids=lambda p: f"{p[0]}-{p[1]['module_name']}"
)
def lived_in(request, template_repo, tmp_path) -> tuple[str, Path, list[tuple[str, str]]]:
    old, answers = request.param
    monorepo = tmp_path / "monorepo"
    # A worker lives in its gateway's plugins folder (0.3.0 asks its gateway, which that folder names).
    folder = f"oagw/plugins/{answers['module_name']}" if answers.get("category") == "worker" else answers["module_name"]
    module = copy_at(template_repo, monorepo / "modules" / folder, old, answers)
    init_repo(monorepo)
    stored = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    kept = team_edits(module, stored)
    git(monorepo, "commit", "-qam", "Step 1 to 3")
    return old, module, kept


def expected_conflicts(old: str, module: Path) -> set[str]:
    """Files where the user and the template changed the same lines. 0.3.0 gives a worker no SDK of its own:
    the first task of its plan, which the team ticked, becomes the plugin implementation."""
    worker = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["category"] == "worker"
    return (
        {f"{layout.DOCS_DIR}/{layout.TASKS}"}
        if worker and releases.parse_version(old) < releases.parse_version("0.3.0")
        else set()
    )


def _assert_updated_cleanly(module: Path, kept: list[tuple[str, str]], expected: set[str] = frozenset()) -> None:
    for file, line in kept:
        assert line in (module / file).read_text().splitlines(), f"{file}: the user's line {line!r} was lost"
    found = {leftover.path for leftover in conflicts.find(module)}
    assert found == expected, "conflicts only where user and template changed the same lines"
    if expected:
        tasks = (module / layout.DOCS_DIR / layout.TASKS).read_text()
        assert "SDK Implementation" in tasks, "the team's side of the plan"
        assert "Plugin Implementation" in tasks, "the release's side of the plan"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert answers["_commit"] == releases.tag(__version__)
    # The template became a collection (kind: module | workspace): a module made before records no kind,
    # takes the default, and stays a module: none of the workspace pack's files arrive.
    assert answers.get("kind", "module") == "module"
    assert not (module / "workflows").exists()
    assert not (module / ".modforge.toml").exists()
    design = level2(module / layout.DOCS_DIR / layout.INTENT_DESIGN)
    sections = [title for _, title in layout.DESIGN_SECTIONS]
    assert [h for h in design if h in sections] == sections, "the design has today's sections, in order"


def test_copier_update_from_every_release_keeps_edits_and_brings_the_process_change(lived_in):
    old, module, kept = lived_in
    expected = expected_conflicts(old, module)
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    _assert_updated_cleanly(module, kept, expected)
    if releases.parse_version(old) < releases.parse_version("0.2.0"):
        assert "Security and Tenancy" not in (module / "docs" / layout.INTENT_DESIGN).read_text()
        assert "90% of the code" in (module / "docs" / layout.INTENT_DESIGN).read_text()


def test_modforge_update_does_the_same_and_exits_0(lived_in):
    old, module, kept = lived_in
    expected = expected_conflicts(old, module)
    result = modforge("update", module)
    assert result.returncode == (1 if expected else 0), result.stdout + result.stderr
    if expected:
        assert f"with conflicts in {len(expected)} file" in result.stdout
    _assert_updated_cleanly(module, kept, expected)


@pytest.mark.parametrize(
    "old", [v for v in OLD_VERSIONS if releases.parse_version(v) < releases.parse_version("0.2.0")]
)
def test_a_heading_both_sides_changed_is_a_reported_conflict(template_repo, tmp_path, old):
    """0.2.0 renames `## Security and Tenancy`; a team that renamed it differently gets a conflict to resolve."""
    monorepo = tmp_path / "monorepo"
    module = copy_at(template_repo, monorepo / "modules" / "cred-store", old, {})
    init_repo(monorepo)
    design = module / "docs" / layout.INTENT_DESIGN
    design.write_text(design.read_text().replace("## Security and Tenancy\n", "## Tenancy and Access\n"))
    git(monorepo, "commit", "-qam", "our own title")

    result = modforge("update", module)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "cred-store/docs/INTENT_DESIGN.md:" in result.stdout
    text = design.read_text()
    assert "## Tenancy and Access" in text, "the user's side is in the conflict"
    assert "## Security\n" in text, "the template's side is in the conflict"


def test_migrating_first_then_updating_leaves_no_duplicate(lived_in):
    """`modforge migrate` before `copier update` is safe: copier re-applies the migrated design on top of
    the new release, and the release's migration drops the copy of its own section."""
    old, module, kept = lived_in
    if releases.parse_version(old) >= releases.parse_version("0.2.0"):
        pytest.skip("0.2.0's migration is not crossed")
    expected = expected_conflicts(old, module)
    assert modforge("migrate", module).returncode == 0
    git(module, "commit", "-qam", "migrated ahead of the update")
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    _assert_updated_cleanly(module, kept, expected)
    design = level2(module / layout.DOCS_DIR / layout.INTENT_DESIGN)
    assert design.count(layout.DESIGN_SECTION["testing"]) == 1


@pytest.mark.parametrize("old", OLD_VERSIONS)
def test_a_worker_outside_its_gateways_plugins_folder_is_told_where_it_belongs(template_repo, tmp_path, old):
    """Before 0.3.0 a worker lived in modules/<name>; 0.3.0 asks its gateway and puts it in the gateway's
    plugins folder. The update stops with the one line that says so, and changes nothing."""
    monorepo = tmp_path / "monorepo"
    answers = {"module_name": "oagw-apikey", "category": "worker", "phases": "1"}
    module = copy_at(template_repo, monorepo / "modules" / "oagw-apikey", old, answers)
    init_repo(monorepo)
    result = modforge("update", module)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "lives in modules/<gateway>/plugins/<name>, whose folder names it" in one_error_line(result, "update")
    result = copier("update", "--trust", "--defaults", "--data", "gateway=oagw", cwd=module)
    assert result.returncode != 0
    assert "a worker of oagw lives in modules/oagw/plugins/oagw-apikey" in result.stderr.strip().splitlines()[-1]
    assert git(monorepo, "status", "--porcelain") == "", "nothing changed"
