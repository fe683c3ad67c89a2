"""Wire, unwire and check one module: every edit computed into one Transaction rooted at the monorepo
root, then written all together (or shown with `diff()` for --dry-run). `check` is the wire plan read
without writing: what wire would add is exactly what is missing, so the two never disagree.

What wiring a module means (MODKIT conventions, "Registration"; the platform's own files):
1. both crates in the root `Cargo.toml` `[workspace].members`;
2. the server crate depends on the module crate, and its `src/registered_modules.rs` has `use <lib> as _;`;
3. a `modules.<name>` block in each server config (`config/quickstart.yaml`, `config/e2e-local.yaml`),
   with a `database:` block when the module has persistence;
4. an E2E package in `testing/e2e/modules/<snake>/` (conftest with the harness's fixtures, a smoke test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.filesystem import confine, textcodec
from modforge.filesystem.transaction import Transaction
from modforge.workspace import cargo, e2e, monorepo, registration, yaml_config
from modforge.workspace.monorepo import MANIFEST, Module, Monorepo
from modforge.workspace.paths import REGISTRATION_FILE


@dataclass(frozen=True)
class Step:
    file: str  # relative to the monorepo root
    what: str  # a noun phrase: "[workspace].members entry modules/x/x"

    def line(self, verb: str) -> str:
        return f"{self.file}: {verb} {self.what}"


@dataclass
class Plan:
    monorepo: Monorepo
    module: Module
    transaction: Transaction
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left alone, and why


def open_module(argument: str, cwd: Path | None = None) -> tuple[Monorepo, Module]:
    folder, root = monorepo.locate_module(argument, cwd or Path.cwd())
    return monorepo.open_monorepo(root), monorepo.read_module(folder, root)


def _edit(plan: Plan, relative: str, edit: Callable[[str], str], absent: str) -> None:
    """Run `edit` on the text `relative` will hold; `absent` is the message when the file is not there."""
    data = plan.transaction.planned(relative)
    if data is None:
        if confine.kind_of(plan.monorepo.root / relative) not in (None, "file"):
            raise ModforgeError(f"{relative} is not a regular file; {absent}")
        raise ModforgeError(f"{relative} is missing; {absent}")
    decoded = textcodec.decode(data, relative)
    edited = edit(decoded.text)
    if edited != decoded.text:
        plan.transaction.write(relative, textcodec.encode(edited, decoded))


def wire(repo: Monorepo, module: Module) -> Plan:
    plan = Plan(repo, module, Transaction(repo.root))
    server, crate = repo.server, module.module_crate
    crate_paths = [c.path for c in module.crates]

    def members(text: str) -> str:
        for path in cargo.missing_members(text, crate_paths, MANIFEST):
            plan.steps.append(Step(MANIFEST, f"[workspace].members entry {path}"))
        return cargo.add_members(text, crate_paths, MANIFEST)

    _edit(plan, MANIFEST, members, "run wire from inside the monorepo")

    server_manifest = f"{server.path}/{MANIFEST}"
    key = crate.lib

    def dependency(text: str) -> str:
        nonlocal key
        found = cargo.dependency_key(text, server, crate, server_manifest)
        if found is not None:
            key = found
            return text
        plan.steps.append(Step(server_manifest, f"dependency on {crate.package} ({crate.path})"))
        return cargo.add_dependency(text, server, crate, repo.paths.modules, server_manifest)

    _edit(plan, server_manifest, dependency, "the server crate needs its manifest")

    lib = key.replace("-", "_")
    registered = f"{server.path}/{REGISTRATION_FILE}"

    def register(text: str) -> str:
        if registration.is_registered(text, lib):
            return text
        plan.steps.append(Step(registered, f"`{registration.line_for(lib)}`"))
        return registration.register(text, lib, registered)

    _edit(plan, registered, register, f"create it with `{registration.line_for(lib)}` (and `mod registered_modules;`)")

    for config in repo.paths.configs:

        def block(text: str, config: str = config) -> str:
            for what in yaml_config.missing(text, module.name, module.persistence, config):
                plan.steps.append(Step(config, what))
            return yaml_config.add(text, module.name, module.persistence, config)

        _edit(
            plan,
            config,
            block,
            "create it with a `modules:` mapping, or list the server's configs in .modforge.toml "
            '([paths] configs = ["..."])',
        )

    for path, text in _e2e_files_missing(repo, module).items():
        plan.transaction.write(path, text.encode())
        plan.steps.append(Step(path, "E2E package file"))
    return plan


def _e2e_files_missing(repo: Monorepo, module: Module) -> dict[str, str]:
    files = e2e.files(module, repo.paths.e2e_tests)
    folder = repo.root / repo.paths.e2e_tests / module.snake
    if confine.kind_of(folder) != "dir":
        return files
    has_tests = any(folder.glob("test_*.py"))
    return {
        path: text
        for path, text in files.items()
        if confine.kind_of(repo.root / path) is None and not (Path(path).name.startswith("test_") and has_tests)
    }


def missing(repo: Monorepo, module: Module) -> list[Step]:
    """What the module lacks to be fully wired (empty: wired)."""
    return wire(repo, module).steps


def check_module(folder: Path | str) -> list[str]:
    """`modforge wire --check` as a function, for other commands (the pipeline's gates): one line per
    missing item, `<file>: missing <what>`, empty when the module is fully wired. ModforgeError (one line,
    exit 2) when the module is not in a monorepo or a file cannot be read."""
    repo, module = open_module(str(folder))
    return [step.line("missing") for step in missing(repo, module)]


def unwire(repo: Monorepo, module: Module) -> Plan:
    """Remove what wire adds: the member entries, the dependency, the `use` line, the config blocks, and
    the E2E files that are still as wire wrote them (edited ones are kept, and said so)."""
    plan = Plan(repo, module, Transaction(repo.root))
    server, crate = repo.server, module.module_crate
    crate_paths = [c.path for c in module.crates]

    def members(text: str) -> str:
        edited = cargo.remove_members(text, crate_paths, MANIFEST)
        for path in crate_paths:
            if cargo.is_listed(text, path, MANIFEST):
                plan.steps.append(Step(MANIFEST, f"[workspace].members entry {path}"))
            if not cargo.missing_members(edited, [path], MANIFEST):
                plan.notes.append(f"{MANIFEST}: a glob in [workspace].members still takes in {path}")
        return edited

    _edit(plan, MANIFEST, members, "run unwire from inside the monorepo")

    server_manifest = f"{server.path}/{MANIFEST}"
    key = crate.lib

    def dependency(text: str) -> str:
        nonlocal key
        key = cargo.dependency_key(text, server, crate, server_manifest) or key
        edited = cargo.remove_dependency(text, server, crate, server_manifest)
        if edited != text:
            plan.steps.append(Step(server_manifest, f"dependency on {crate.package}"))
        return edited

    _edit(plan, server_manifest, dependency, "the server crate needs its manifest")

    registered = f"{server.path}/{REGISTRATION_FILE}"
    lib = key.replace("-", "_")
    if plan.transaction.planned(registered) is not None:

        def unregister(text: str) -> str:
            edited, note = registration.unregister(text, lib, registered)
            if note:
                plan.notes.append(note)
            if edited != text:
                plan.steps.append(Step(registered, f"`{registration.line_for(lib)}`"))
            return edited

        _edit(plan, registered, unregister, "")

    for config in repo.paths.configs:
        if plan.transaction.planned(config) is None:
            continue

        def block(text: str, config: str = config) -> str:
            edited = yaml_config.remove(text, module.name, config)
            if edited != text:
                plan.steps.append(Step(config, f"the `modules.{module.name}` block"))
            return edited

        _edit(plan, config, block, "")

    for path, text in e2e.files(module, repo.paths.e2e_tests).items():
        current = plan.transaction.original(path)
        if current is None:
            continue
        if current == text.encode():
            plan.transaction.delete(path)
            plan.steps.append(Step(path, "E2E package file"))
        else:
            plan.notes.append(f"kept {path}: it changed since wire wrote it; delete it by hand if it should go")
    return plan


def remove_empty_e2e_folder(repo: Monorepo, module: Module) -> None:
    """After unwire's commit: the module's E2E folder, which wire created, goes too when it is empty."""
    folder = repo.root / repo.paths.e2e_tests / module.snake
    if confine.kind_of(folder) == "dir" and not any(folder.iterdir()):
        folder.rmdir()
