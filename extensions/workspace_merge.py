"""copier task of the workspace pack (not a Jinja extension): after `copier copy --data kind=workspace` into a
monorepo that already had `.modforge.toml` or `.pre-commit-config.yaml`, the copy kept them (the pack never
overwrites a file); this merges the pack's part into them when it is missing, and says what it did.

- `.modforge.toml` without a `[paths]` table gets the pack's table at its end;
- `.pre-commit-config.yaml` without the modforge-check hook gets the pack's entry at the end of `repos:`,
  when `repos:` is the file's last top-level key (otherwise the hook is printed to add by hand).
Each result is read back (tomllib, PyYAML) and must hold the old data plus the pack's part, or the file is
left alone. A file it cannot read safely (not UTF-8, nested thousands deep, a number past int()'s limit, YAML
aliases that expand past what any such file holds) is left alone too, with the reason and what to add by hand:
the copy itself goes on. copier runs it with its own Python from the template checkout; it needs only copier's
packages.

Usage: python extensions/workspace_merge.py MODULES_DIR SERVER_CRATE MODFORGE_REPO REV
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE / "src"))

from modforge.errors import ModforgeError  # noqa: E402  (needs the path above)
from modforge.filesystem import structured, textcodec  # noqa: E402
from modforge.templating.workspace_pack import paths_table, precommit_repo  # noqa: E402

HOOK_ID = "modforge-check"


def merge_toml(path: Path, table: str) -> str:
    if not path.is_file():
        return ""
    try:
        decoded = textcodec.decode(path.read_bytes(), path.name)
        with structured.parsing(path.name):
            old = tomllib.loads(decoded.text)
    except tomllib.TOMLDecodeError as error:
        return f"left {path.name} alone: it is not valid TOML ({error}); add this table by hand:\n{table}"
    except ModforgeError as error:
        return f"left {path.name} alone ({error}); add this table by hand:\n{table}"
    if "paths" in old:
        return ""
    merged = decoded.text.rstrip("\n") + "\n\n" + table
    with structured.parsing(path.name):
        new = tomllib.loads(merged)
    if {k: v for k, v in new.items() if k != "paths"} != old:
        return f"left {path.name} alone; add this table by hand:\n{table}"
    path.write_bytes(textcodec.encode(merged, decoded))
    return f"merged the [paths] table into your {path.name}"


def merge_precommit(path: Path, repo: str, rev: str) -> str:
    if not path.is_file():
        return ""
    import yaml

    by_hand = f"add the modforge-check hook to {path.name} by hand, under repos:\n{precommit_repo(repo, rev)}"
    try:
        decoded = textcodec.decode(path.read_bytes(), path.name)
        if HOOK_ID in decoded.text:
            return ""
        structured.check_yaml_depth(decoded.text, path.name)
        with structured.parsing(path.name):
            old = yaml.safe_load(decoded.text)
    except yaml.YAMLError:
        return f"left {path.name} alone (not valid YAML); {by_hand}"
    except ModforgeError as error:
        return f"left {path.name} alone ({error}); {by_hand}"
    if structured.expanded_size(old) > structured.MAX_VALUES:
        return f"left {path.name} alone (its aliases expand past {structured.MAX_VALUES:,} values); {by_hand}"
    text = decoded.text
    keys = re.findall(r"^([A-Za-z_][\w-]*):", text, flags=re.M)
    if not isinstance(old, dict) or not isinstance(old.get("repos"), list) or not keys or keys[-1] != "repos":
        return f"left {path.name} alone (repos: is not its last key); {by_hand}"
    item = re.search(r"^( *)- ", text[text.index("\nrepos:") if "\nrepos:" in text else 0 :], flags=re.M)
    indent = len(item.group(1)) if item else 2
    merged = text.rstrip("\n") + "\n" + precommit_repo(repo, rev, indent)
    try:
        new = yaml.safe_load(merged)
    except yaml.YAMLError:
        return f"left {path.name} alone; {by_hand}"
    if not isinstance(new, dict):
        return f"left {path.name} alone; {by_hand}"
    others_kept = structured.same(
        {k: v for k, v in new.items() if k != "repos"}, {k: v for k, v in old.items() if k != "repos"}
    )
    if not (structured.same(new.get("repos", [])[:-1], old["repos"]) and others_kept):
        return f"left {path.name} alone; {by_hand}"
    path.write_bytes(textcodec.encode(merged, decoded))
    return f"merged the modforge-check hook into your {path.name}"


def main(argv: list[str]) -> int:
    modules_dir, server_crate, repo, rev = argv
    for message in (
        merge_toml(Path(".modforge.toml"), paths_table(modules_dir, server_crate)),
        merge_precommit(Path(".pre-commit-config.yaml"), repo, rev),
    ):
        if message:
            print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
