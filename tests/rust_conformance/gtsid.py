"""GTS identifiers: `gts.` then segments joined by `~`; each segment `vendor.package.namespace.type.vMAJOR`
with an optional `.MINOR`; a type id ends with `~`, an instance id is a type id followed by one more segment.
The `gts` crate that parses them is not in the snapshot; these rules are the ones DE0901's UI tests spell out
(tests/test_rust_lints.py holds this module to them)."""

from __future__ import annotations

import re

TOKEN = re.compile(r"[a-z_][a-z0-9_]*")
MAJOR = re.compile(r"v\d+")
MINOR = re.compile(r"\d+")


def segment_error(segment: str, allow_wildcard: bool = False) -> str:
    """Why `segment` (no `gts.`, no `~`) is not a GTS segment, or ''."""
    tokens = segment.split(".")
    if allow_wildcard and tokens and tokens[-1] == "*":
        return _prefix_error(tokens[:-1])
    if any("*" in t for t in tokens):
        return "wildcards are only allowed as a whole last token of a pattern"
    if len(tokens) not in (5, 6):
        return (
            "a segment has 5 or 6 dot-separated parts (vendor.package.namespace.type.vMAJOR[.MINOR]), "
            f"not {len(tokens)}"
        )
    for token in tokens[:4]:
        if not TOKEN.fullmatch(token):
            return f"'{token}' must be lower-case letters, digits and underscores, starting with a letter or _"
    if not MAJOR.fullmatch(tokens[4]):
        return f"'{tokens[4]}' must be a major version such as v1"
    if len(tokens) == 6 and not MINOR.fullmatch(tokens[5]):
        return f"'{tokens[5]}' must be a minor version number"
    return ""


def _prefix_error(tokens: list[str]) -> str:
    """A pattern's segment before its final `*`: a prefix of a valid segment."""
    rules = [TOKEN, TOKEN, TOKEN, TOKEN, MAJOR, MINOR]
    if len(tokens) > 5:
        return "too many parts before the wildcard"
    for token, rule in zip(tokens, rules, strict=False):
        if not rule.fullmatch(token):
            return f"'{token}' is not a valid part"
    return ""


def id_error(value: str, allow_wildcard: bool = False) -> str:
    """Why `value` is not a GTS id (type `...~` or instance), or ''."""
    if not value.startswith("gts."):
        return "a GTS id starts with 'gts.'"
    body = value[len("gts.") :]
    is_type = body.endswith("~")
    segments = (body[:-1] if is_type else body).split("~")
    if any(s == "" for s in segments):
        return "empty segment"
    if allow_wildcard and segments[-1] == "*" and len(segments) > 1:
        segments = segments[:-1]
        is_type = True
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        problem = segment_error(segment, allow_wildcard=allow_wildcard and last)
        if problem:
            return f"segment {index + 1} '{segment}': {problem}"
    if not is_type and len(segments) < 2:
        return "an instance id needs its type first (a single segment must end with '~')"
    return ""


def segment_count(schema_id: str) -> int:
    return schema_id.count("~")
