"""What a rule is: a stable code, a kebab name, a severity, a one-line message template and a pure check.

A rule is declared once, with the `rule` decorator, over a function that takes the module's `Context`
and yields `Finding`s. The function's docstring ("What it checks / Why / Example") is the rule's entry in
the generated catalogue (docs/RULES.md), so the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modforge.checker.rules.context import Context

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True, slots=True)
class Finding:
    """One place a rule fires: where, and the values its message template needs."""

    path: Path
    line: int
    column: int
    args: dict[str, Any] = field(default_factory=dict)


Check = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str  # MF101: family digit(s) then a number; never reused once published
    name: str  # kebab-case, says what is wrong: id-padding
    severity: str  # error | warning
    message: str  # str.format template over the finding's args; says how to fix it
    check: Check = field(repr=False, compare=False)
    family: str = ""  # the rules module that declares it (ids, references, ...)

    @property
    def doc(self) -> str:
        import inspect  # only the catalogue needs it; `modforge check` never reads the docs

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first line."""
        return self.doc.partition("\n")[0]

    def run(self, context: Context) -> Iterator[tuple[Finding, str]]:
        """Each finding with its formatted message."""
        for finding in self.check(context):
            yield finding, self.message.format(**finding.args)


def rule(code: str, name: str, severity: str, message: str) -> Callable[[Check], Rule]:
    """Declare a rule over `check`; the family is the declaring module's last name."""

    def declare(check: Check) -> Rule:
        family = check.__module__.rpartition(".")[2]
        return Rule(code, name, severity, message, check, family)

    return declare


def hit(path: Path, line: int, column: int = 1, **args: Any) -> Finding:
    return Finding(path, line, column, args)
