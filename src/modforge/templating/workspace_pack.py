"""The workspace process pack (copier.yml `kind: workspace`, files in `template-workspace/`) seen from Python:
the pipeline steps it lays down files for, the raw prompts, the one instruction text every agent command
carries, and the list of paths the pack owns. copier's workspace template reaches these through jinja_api,
so the pack, `modforge prompt` and the tests share one definition of each.

Agent commands never copy a prompt: each one tells the assistant to run `modforge prompt STEP MODULE` and
follow what it prints, so the prompt text has one source (prompts/) and never drifts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modforge.templating import prompts

# The assistants the questionnaire offers (copier.yml `agents`): answer value -> name.
AGENTS = {"claude": "Claude Code", "copilot": "GitHub Copilot", "cursor": "Cursor"}
CLAUDE_FORMS = ("skills", "commands")
COMMAND_PREFIX = "modforge-"

PIPELINE_DOC = "workflows/NEW_MODULE_PIPELINE.md"
PROMPTS_DIR = "workflows/prompts"
FIXED_FILES = (
    PIPELINE_DOC,
    "guidelines/MODULE_REQUIREMENTS.md",
    ".pre-commit-config.yaml",
    ".github/workflows/modforge.yml",
    ".modforge.toml",
)


def pack_steps() -> list[dict[str, Any]]:
    """One entry per pipeline step, in the spec's order: what every per-step file of the pack is built from."""
    return [
        {
            "key": step.key,
            "file": step.file,
            "spec_step": step.spec_step,
            "summary": step.summary,
            "per_phase": step.per_phase,
            "command": f"{COMMAND_PREFIX}{step.key}",
        }
        for step in prompts.STEPS
    ]


def raw_prompts() -> list[dict[str, str]]:
    """[{file, text}]: every step's prompt rendered with the spec's placeholders (prompts.render_raw)."""
    return [{"file": step.file, "text": prompts.render_raw(step.key)} for step in prompts.STEPS]


def agent_instructions(step: dict[str, Any], module: str) -> str:
    """What an agent command says, whatever the assistant: run `modforge prompt`, follow it, check, stop.
    `module` is how the assistant's format names the argument ($ARGUMENTS, ${input:module}, ...)."""
    phase = (
        " For a later phase, add `--phase N` (Step 5 repeats this step for every phase after the first)."
        if step["per_phase"]
        else ""
    )
    return (
        f"This is Step {step['spec_step']} of the module generation pipeline "
        f"(workflows/NEW_MODULE_PIPELINE.md): {step['summary']}.\n\n"
        f"1. Find the module's folder ({module}); if none was named, ask which module under `modules/`.\n"
        f"2. Run `modforge prompt {step['key']} <module folder>` in a terminal and read all of its output.{phase}\n"
        "3. That output is your instructions for this step. Follow it exactly: it names the documents to read and\n"
        "   write, the format rules with the module's real IDs, the hard constraints and the acceptance criteria.\n"
        "4. Run `modforge check <module folder>` and fix every error it reports in the documents you wrote.\n"
        "5. Stop there. The human owner reviews the step and opens the pull request; do not start the next step.\n"
    )


def pack_paths(agents: list[str] | tuple[str, ...], claude_form: str = "skills") -> list[str]:
    """Every path the pack lays down for these answers (tests compare it with what copier writes)."""
    steps = pack_steps()
    paths = [*FIXED_FILES, *(f"{PROMPTS_DIR}/{step['file']}" for step in steps)]
    for step in steps:
        name = step["command"]
        if "claude" in agents:
            paths.append(
                f".claude/skills/{name}/SKILL.md" if claude_form == "skills" else f".claude/commands/{name}.md"
            )
        if "copilot" in agents:
            paths.append(f".github/prompts/{name}.prompt.md")
        if "cursor" in agents:
            paths.append(f".cursor/commands/{name}.md")
    return sorted(paths)


def existing_pack_paths(destination: str | Path, agents: list[str], claude_form: str = "skills") -> list[str]:
    """The pack's paths already present in `destination` before a copy: copier keeps them (the pack's
    `_skip_if_exists` on copy), and the message after the copy names them."""
    root = Path(str(destination))
    return [path for path in pack_paths(agents or [], claude_form) if (root / path).exists()]


def paths_table(modules_dir: str = "modules", server_crate: str = "") -> str:
    """The `[paths]` table of `.modforge.toml` (modforge.workspace.paths reads it)."""
    server = (
        f'server_crate = "{server_crate}"'
        if server_crate
        else '# server_crate = "apps/cf-server"   # default: the member with src/registered_modules.rs'
    )
    return (
        "# Where this monorepo keeps what `modforge wire` edits (every key optional; these are the defaults).\n"
        "[paths]\n"
        f'modules = "{modules_dir}"\n'
        f"{server}\n"
        'configs = ["config/quickstart.yaml", "config/e2e-local.yaml"]\n'
        'e2e_tests = "testing/e2e/modules"\n'
    )


def precommit_repo(repo: str, rev: str, indent: int = 2) -> str:
    """The `repos:` entry that runs `modforge check` on changed documents (.pre-commit-hooks.yaml)."""
    pad = " " * indent
    return f"{pad}- repo: {repo}\n{pad}  rev: {rev}\n{pad}  hooks:\n{pad}    - id: modforge-check\n"


# What the workspace template (template-workspace/) may call; jinja_api.register adds them to copier's Jinja.
GLOBALS = {
    "pack_steps": pack_steps,
    "raw_prompts": raw_prompts,
    "agent_instructions": agent_instructions,
    "existing_pack_paths": existing_pack_paths,
    "paths_table": paths_table,
    "precommit_repo": precommit_repo,
}
