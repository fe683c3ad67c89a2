"""Declaring a rule (`@rule`): the rule keeps what it was declared with, takes its family from the module that
declares it, documents itself from its docstring, and formats each finding's message from the finding."""

from __future__ import annotations

from pathlib import Path

from modforge.checker.rules.registry import WARNING, Finding, hit, rule


def test_a_declared_rule_keeps_its_fields_its_family_and_formats_each_finding() -> None:
    def check(context):
        """Something the user should fix.

        **What it checks.** The answer.
        """
        yield hit(Path("docs/TASKS.md"), 3, answer=42)
        yield hit(Path("docs/TASKS.md"), 5, 7, answer="none")

    check.__module__ = "modforge.checker.rules.tasks"  # as if declared there
    declared = rule("MF999", "something-wrong", WARNING, "the answer is {answer}")(check)
    assert (declared.code, declared.name, declared.severity, declared.message, declared.family) == (
        "MF999",
        "something-wrong",
        "warning",
        "the answer is {answer}",
        "tasks",
    )
    assert declared.doc == "Something the user should fix.\n\n**What it checks.** The answer."
    assert declared.summary == "Something the user should fix."
    assert list(declared.run(None)) == [
        (Finding(Path("docs/TASKS.md"), 3, 1, {"answer": 42}), "the answer is 42"),
        (Finding(Path("docs/TASKS.md"), 5, 7, {"answer": "none"}), "the answer is none"),
    ]


def test_a_rule_without_docstring_has_an_empty_catalogue_entry() -> None:
    declared = rule("MF998", "undocumented", WARNING, "m")(lambda context: iter(()))
    assert (declared.doc, declared.summary, declared.family) == ("", "", "test_rule_registry")
