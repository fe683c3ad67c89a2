"""TOML and YAML that someone else wrote, read without a traceback or a hang.

Three shapes break a reader that trusts its input, whichever library parses it:
- nesting thousands deep (`[[[[...` or `- - - -`): the parsers recurse, and Python stops them with
  RecursionError (ruamel.yaml's pure-Python scanner takes time growing with the square of the depth
  first: 8 s for 10 kB of `[`);
- a number of more than 4,300 digits: `int()` refuses it with ValueError (tomllib, tomlkit);
- YAML aliases that refer to aliases (`b: [*a, *a, ...]`, nine levels: a dozen lines): the loader shares
  the nodes, but everything that walks, compares or copies the data visits each one as often as it is
  referred to, which grows exponentially with the depth (a "billion laughs").

`parsing` turns the first two into one ModforgeError naming the file, and `check_yaml_depth` refuses deep
YAML in linear time before a slow reader sees it; `expanded_size` measures data that would expand past what
any settings or answers file holds; `same` compares two such values visiting each shared part once, so
comparing what was read with what was written stays linear.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from modforge.errors import ModforgeError

MAX_VALUES = 100_000  # an answers file or a server config holds hundreds; a hundred thousand is an alias bomb
MAX_DEPTH = 200  # a server config nests a handful of levels


@contextlib.contextmanager
def parsing(shown: object) -> Iterator[None]:
    """Read `shown` inside this block: nesting past the recursion limit or a number past int()'s digit limit
    become one ModforgeError naming it (a syntax error is the caller's to word)."""
    try:
        yield
    except RecursionError:
        raise ModforgeError(f"{shown} nests lists or tables too deeply to be read; flatten it") from None
    except ValueError as error:
        if "integer string conversion" not in str(error):
            raise
        raise ModforgeError(f"{shown} holds a number of more than 4,300 digits; shorten it") from None


def expanded_size(data: object, limit: int = MAX_VALUES) -> int:
    """How many values a reader that expands aliases visits in `data` (counting stops past `limit`)."""
    count, pending = 0, [data]
    while pending and count <= limit:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set):
            pending.extend(value)
    return count


def check_yaml_depth(text: str, shown: object) -> None:
    """ModforgeError when the YAML `text` nests collections deeper than MAX_DEPTH: measured on libyaml's event
    stream (C, linear, no recursion); a syntax error is left for the caller's own reader to word."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:  # PyYAML without libyaml: the reader's own recursion limit stops a deep file
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ModforgeError(f"{shown} nests lists or mappings more than {MAX_DEPTH} deep; flatten it")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "")):  # libyaml's own limit, met while scanning ahead
            raise ModforgeError(f"{shown} nests lists or mappings more than {MAX_DEPTH} deep; flatten it") from None


def same(left: object, right: object) -> bool:
    """`left == right` for data read from YAML, visiting each pair of shared parts once (aliases make `==`
    exponential; see the module docstring)."""
    compared: set[tuple[int, int]] = set()
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if a is b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            if (id(a), id(b)) in compared:
                continue
            compared.add((id(a), id(b)))
            if a.keys() != b.keys():
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif isinstance(a, list) and isinstance(b, list):
            if (id(a), id(b)) in compared:
                continue
            compared.add((id(a), id(b)))
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict | list) or isinstance(b, dict | list) or type(a) is not type(b) or a != b:
            return False
    return True
