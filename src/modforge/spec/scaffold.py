"""What a new module's TASKS.md starts with: the spec's standard layers for phase 1, one task per
later phase, numbered once here so the template, the prompts and the checker agree.

Pure functions over the questionnaire's answers; the Jinja extension exposes `task_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass

from modforge.spec import grammar, naming
from modforge.spec.grammar import IdKind


@dataclass(frozen=True)
class Task:
    id: str
    number: int
    title: str
    subtasks: tuple[str, ...]  # already numbered: "1.1 Define API traits"


@dataclass(frozen=True)
class PhasePlan:
    id: str
    number: int
    title: str
    tasks: tuple[Task, ...]


def _phase_one_layers(a: dict) -> list[tuple[str, list[str]]]:
    """The spec's standard layers (Tasks format), keeping only those the answers call for."""
    category = a.get("category", "generic")
    names = naming.derived_names(a["module_name"], category, a.get("gateway") or "")
    rest = naming.has_rest(category, a.get("rest_api"))
    db, gts = bool(a.get("persistence")), bool(a.get("gts"))
    # A plan line changes only when the template makes it false: a team ticks these lines, and `copier update`
    # conflicts on every ticked line the template rewrote.
    if category == "worker":  # no SDK of its own: it implements its gateway's plugin trait
        first = (
            "Plugin Implementation",
            [
                f"Implement `{names['contract_trait']}` (from `{names['contract_sdk_name']}`) in the local client",
                f"Publish the plugin instance of `{names['contract_plugin_spec']}` with its vendor and priority",
            ],
        )
    else:
        sdk = [
            f"Define the `{names['client_trait']}` trait; every method takes `&SecurityContext`",
            "Define transport-agnostic models",
            "Define the SDK error type",
        ]
        if category == "gateway":
            sdk.append("Define the plugin API trait that workers implement")
        if gts:
            sdk.append("Define GTS types in `gts.rs`")
        first = ("SDK Implementation", sdk)
    domain = [
        "Implement the domain service behind the client trait",
        "Implement tenant isolation and authorization checks (REQ-1, REQ-3)",
        "Add tracing spans on service entry points (REQ-10)",
        "Implement the local client that adapts the service to the SDK trait",
    ]
    layers: list[tuple[str, list[str]]] = [first, ("Domain Layer", domain)]
    if db:
        layers.append(
            (
                "Infrastructure",
                ["Create database entities", "Implement the repository layer", "Write database migrations"],
            )
        )
    if rest:
        layers.append(
            (
                "REST API",
                [
                    "Define DTOs with serde/utoipa",
                    "Implement thin handlers (parse, call the service, map errors)",
                    f"Register routes with OperationBuilder under `/{a['module_name']}/v1/`",
                    "Map domain errors to Problem (REQ-20, REQ-21)",
                ],
            )
        )
    hub = (
        "Register the scoped client in ClientHub under the module's GTS instance id"
        if category == "worker"
        else "Register the client in ClientHub"
    )
    wiring = [hub, f"Add the `{a['module_name']}` block to `config/quickstart.yaml`"]
    if gts:
        wiring.append("Add GTS schemas and instances")
    crates = "the crate" if category == "worker" else "both crates"
    wiring.append(f"Add {crates} to the workspace and `use {names['module_snake']} as _;` to the server")
    tests = ["Test domain service logic", "Test error handling paths", "Test security context validation"]
    if db:
        tests.insert(1, "Test entity mappers")
    if rest:
        tests.insert(1, "Test DTO mappers")
    layers += [("Module Wiring", wiring), ("Unit Tests", tests)]
    return layers


def _later_phase_tasks(phase_id: str, title: str) -> list[tuple[str, list[str]]]:
    return [
        (
            title,
            [
                f"Replace the `TODO({phase_id})` stubs with the {title.lower()} behaviour in the domain service",
                f"Unit tests for {title.lower()}",
            ],
        )
    ]


def task_plan(answers: dict) -> list[PhasePlan]:
    """The phases of a new module's TASKS.md, task IDs sequential across all phases with no gap."""
    prefix = answers["id_prefix"]
    titles = list(answers.get("phase_titles") or naming.default_phase_titles(answers.get("phases", 1)))
    plans: list[PhasePlan] = []
    number = 0
    for index, title in enumerate(titles, start=1):
        phase_id = grammar.format_id(IdKind.PHASE, prefix, index)
        groups = _phase_one_layers(answers) if index == 1 else _later_phase_tasks(phase_id, title)
        tasks = []
        for task_title, steps in groups:
            number += 1
            subtasks = tuple(f"{number}.{i} {step}" for i, step in enumerate(steps, start=1))
            tasks.append(Task(grammar.format_id(IdKind.TASK, prefix, number), number, task_title, subtasks))
        plans.append(PhasePlan(phase_id, index, title, tuple(tasks)))
    return plans
