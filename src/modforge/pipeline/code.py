"""What a module's code and tests say about the pipeline: `TODO(PHASE-..)` stubs, IDs cited in code, E2E tests.

Documents say what is planned; these facts say what exists. They are read in the checker's pass (the engine's
`also`) from the files themselves, every run: code is not part of the documents' cache key.

- Rust sources: every `*.rs` file under the module (build output and hidden folders skipped). A stub is a
  `TODO(PHASE-<P>-<N>)` (spec, Step 3.2); an ID written anywhere in a file (comment, string, name) is a citation.
- E2E tests: `testing/e2e/modules/<module_snake>/test_*.py` at the monorepo root (MODKIT conventions, "Build,
  tests, E2E"), read with Python's own parser. A test covers a scenario when its name follows the convention
  `test_scen_<module_snake>_<N>_<what>`, or when a decorator or the first line of its docstring names the
  scenario's ID (`@pytest.mark.scenario("SCEN-X-01")`, a docstring opening `SCEN-X-01: Name`).

Plain data only (it comes back from forked workers with `marshal`); paths relative to the monorepo root, `/`.
"""

from __future__ import annotations

import ast
import os
import re

from modforge.spec import layout, naming
from modforge.spec.grammar import ID_TOKEN_RE, IdKind, format_id, parse_id

E2E_DIR = layout.E2E_TESTS_DIR
RUST_SUFFIX = ".rs"
_SKIPPED = frozenset({"target", "node_modules", "__pycache__", layout.DOCS_DIR})
_TODO = re.compile(r"TODO\((PHASE-[A-Z][A-Z0-9]*-[0-9]+)\)")
_ID_TEXT = re.compile(ID_TOKEN_RE.pattern)


def module_snake(answers: dict | None, root: str) -> str:
    """The module's snake_case name: from its answers, else from its folder."""
    name = answers.get("module_name") if answers else None
    if not isinstance(name, str) or not name:
        name = os.path.basename(os.path.normpath(root))
    return naming.snake(name)


def scan(source) -> dict:
    """The code facts of one module (a modforge.documents.loader.ModuleSource)."""
    from modforge.documents import loader

    answers, _ = loader.read_answers(source.answers)
    prefix = answers.get("id_prefix") if answers else None
    root, repo = str(source.root), str(source.repo_root)
    todos: list[list] = []
    cites: dict[str, list[list]] = {}
    for path in rust_files(root):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        if "-" not in text:
            continue
        shown = os.path.relpath(path, repo).replace(os.sep, "/")
        for match in _ID_TEXT.finditer(text):
            parsed = parse_id(match.group())
            line = text.count("\n", 0, match.start()) + 1
            cites.setdefault(format_id(parsed.kind, parsed.prefix, parsed.number), []).append([shown, line])
        for match in _TODO.finditer(text):
            parsed = parse_id(match.group(1))
            line = text.count("\n", 0, match.start()) + 1
            todos.append([format_id(IdKind.PHASE, parsed.prefix, parsed.number), shown, line])
    snake = module_snake(answers, root)
    e2e = os.path.join(repo, E2E_DIR, snake)
    tests = e2e_tests(e2e, repo, snake, prefix.strip() if isinstance(prefix, str) else None)
    return {
        "todos": todos,
        "cites": cites,
        "tests": tests,
        "e2e_dir": os.path.relpath(e2e, repo).replace(os.sep, "/"),
    }


def rust_files(root: str) -> list[str]:
    """Every Rust source under the module folder, sorted."""
    found = []
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or entry.name in _SKIPPED:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.name.endswith(RUST_SUFFIX):
                        found.append(entry.path)
        except OSError:
            continue
    return sorted(found)


def e2e_tests(folder: str, repo: str, snake: str, prefix: str | None) -> list[list]:
    """[scenario id, path, line, test name] of each test in `folder` that covers a scenario."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("test_") and n.endswith(".py"))
    except OSError:
        return []
    by_name = re.compile(rf"test_scen_{re.escape(snake)}_([0-9]+)(?:_|$)")
    found = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                tree = ast.parse(handle.read(), filename=path)
        except (OSError, SyntaxError, ValueError):
            continue
        shown = os.path.relpath(path, repo).replace(os.sep, "/")
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test_"):
                continue
            for scenario in _scenarios_of(node, by_name, prefix):
                found.append([scenario, shown, node.lineno, node.name])
    return found


def _scenarios_of(node: ast.FunctionDef | ast.AsyncFunctionDef, by_name: re.Pattern, prefix: str | None) -> list[str]:
    found: dict[str, None] = {}
    match = by_name.match(node.name)
    if match and prefix:
        found[format_id(IdKind.SCEN, prefix, int(match.group(1)))] = None
    texts = [ast.unparse(decorator) for decorator in node.decorator_list]
    docstring = ast.get_docstring(node)
    if docstring:
        texts.append(docstring.strip().split("\n", 1)[0])
    for text in texts:
        for token in _ID_TEXT.finditer(text):
            parsed = parse_id(token.group())
            if parsed.kind is IdKind.SCEN:
                found[format_id(IdKind.SCEN, parsed.prefix, parsed.number)] = None
    return list(found)
