"""Whether a module is wired into its monorepo's server configuration, for the Step 3.3 gate.

One small function behind the gate's criteria table, on purpose: `modforge wire --check` (issue 14) will answer
the whole question (workspace members, server dependency, configs); the criterion then calls it instead.
"""

from __future__ import annotations

import re
from pathlib import Path

QUICKSTART = "config/quickstart.yaml"  # MODKIT conventions: the server's local configuration


def quickstart_block(repo_root: Path, module_name: str) -> tuple[str | None, int]:
    """None and the block's line when `config/quickstart.yaml` has the module under `modules:`; otherwise what is
    missing and the line to point at (1)."""
    import yaml

    path = Path(repo_root) / QUICKSTART
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return f"{QUICKSTART} not found at the monorepo root: add it with a `modules:` mapping", 1
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return f"{QUICKSTART} is not valid YAML: fix it", (mark.line + 1 if mark else 1)
    modules = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, dict) or module_name not in modules:
        return f"no `{module_name}:` block under `modules:` in {QUICKSTART}: add it (see the module's QUICKSTART.md)", 1
    match = re.search(rf"^[ \t]+{re.escape(module_name)}[ \t]*:", text, re.MULTILINE)
    return None, text.count("\n", 0, match.start()) + 1 if match else 1
