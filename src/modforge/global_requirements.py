"""Global requirements `REQ-<N>`: read from the monorepo's guidelines/MODULE_REQUIREMENTS.md when it
exists (its `### REQ-<N>: Title` headings), otherwise the spec's own list built in here."""

from __future__ import annotations

from typing import NamedTuple

# The globals the pipeline spec and the ModKit conventions cite (MODKIT_CONVENTIONS.md).
BUILT_IN = {
    1: "Tenant isolation via the security context",
    2: "Authentication required",
    3: "Authorization check",
    10: "Tracing spans on every handler",
    11: "Structured logging with trace_id",
    12: "Error logging",
    20: "RFC 9457 Problem details",
    21: "No internal details in errors",
    30: "Endpoint versioning /{service}/v{N}/{resource}",
    31: "Idempotency key for mutating operations (SHOULD)",
}


class GlobalRequirements(NamedTuple):
    titles: dict[int, str]
    source: str  # "built-in" or the path of the guidelines file

    def __contains__(self, number: object) -> bool:
        return number in self.titles


BUILT_IN_GLOBALS = GlobalRequirements(dict(BUILT_IN), "built-in")
