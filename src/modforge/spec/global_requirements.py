"""Global requirements `REQ-<N>`: read from the monorepo's guidelines/MODULE_REQUIREMENTS.md when it
exists (its `### REQ-<N>: Title` headings), otherwise the spec's own list built in here."""

from __future__ import annotations

from pathlib import Path
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


def parse_global_requirements(path: Path, data: bytes | None = None) -> GlobalRequirements:
    """The `### REQ-<N>: Title` headings of guidelines/MODULE_REQUIREMENTS.md (an unreadable file has none).
    (Here rather than in modforge.documents.parser, so that a module proven clean by
    modforge.checker.quickcheck needs no document model.)"""
    from modforge.documents import blockscan
    from modforge.documents.doctext import MAX_DOCUMENT_BYTES
    from modforge.spec import layout
    from modforge.spec.grammar import IdKind, parse_id

    if data is None:
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
    text = blockscan.normalize(data[:MAX_DOCUMENT_BYTES].replace(b"\x00", b" ").decode("utf-8", "replace"))
    titles: dict[int, str] = {}
    for _level, heading, _line, _start, _body in blockscan.scan(text).headings:
        match = layout.DEFINITION_RE.match(heading)
        parsed = parse_id(match.group("id")) if match else None
        if parsed is not None and parsed.kind is IdKind.GLOBAL_REQ:
            titles.setdefault(parsed.number, match.group("title") or "")
    return GlobalRequirements(titles, str(path))
