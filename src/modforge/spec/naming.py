"""Module names and their derived forms, and the rules every questionnaire answer must follow.

Validators return an error message (a sentence naming the rule and what to type instead) or an empty
string; copier's `validator:` fields and the `modforge new` command both call these. Stdlib only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from modforge.spec import grammar, layout

MODULE_NAME_RE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
MODULE_NAME_MAX = 40
PHASES_MIN, PHASES_MAX = 1, 9
CATEGORIES = ("generic", "gateway", "worker")

# Strict and reserved keywords of Rust 2021 (a crate's `[lib] name` cannot be one), plus crate names
# that would shadow the standard library or a ModKit crate inside the generated code.
RUST_KEYWORDS = frozenset(
    """as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref
    return self static struct super trait true type unsafe use where while async await dyn abstract become box do
    final macro override priv typeof unsized virtual yield try union""".split()  # noqa: SIM905 (reads as prose)
)
RESERVED_CRATES = frozenset({"std", "core", "alloc", "proc_macro", "test", "modkit", "sdk"})


def snake(name: str) -> str:
    """`cred-store` -> `cred_store` (Rust lib and module names)."""
    return name.replace("-", "_")


def pascal(name: str) -> str:
    """`cred-store` -> `CredStore` (Rust type names)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def title(name: str) -> str:
    """`cred-store` -> `Cred Store` (headings)."""
    return " ".join(part[:1].upper() + part[1:] for part in name.split("-"))


# The plugin vendor a generated gateway selects and a generated worker registers under by default, so the two
# find each other with no configuration (the platform's own plugins default to it too).
PLUGIN_VENDOR = "hyperspot"


def derived_names(name: str, category: str = "generic", gateway: str = "") -> dict[str, str]:
    """The names copier.yml computes (its `when: false` entries) from `module_name`, `category` and, for a
    worker, the `gateway` it plugs into; for Python callers such as the prompts. tests/test_prompts.py renders
    copier.yml's own expressions for real copies and compares them with this, so a name added or changed there
    fails until it is mirrored here.

    The `contract_*` names are what the module's code implements and returns: its own SDK's client trait and
    error for a generic module or a gateway; the gateway's SDK, plugin trait and error for a worker.
    """
    snake_name, pascal_name = snake(name), pascal(name)
    plugin_spec_id = f"gts.x.core.modkit.plugin.v1~x.core.{snake_name}.plugin.v1~"
    item_type_id = f"gts.x.core.{snake_name}.item.v1~"
    own = {
        "sdk_name": f"{name}-sdk",
        "sdk_package_name": f"cf-{name}-sdk",
        "sdk_snake": f"{snake_name}_sdk",
        "client_trait": f"{pascal_name}ClientV1",
        "error_enum": f"{pascal_name}Error",
        "plugin_trait": f"{pascal_name}PluginClientV1",
        "plugin_spec": f"{pascal_name}PluginSpecV1",
    }
    if category == "worker":
        gw_snake, gw_pascal = snake(gateway), pascal(gateway)
        contract = {
            "contract_sdk_name": f"{gateway}-sdk",
            "contract_sdk_package": f"cf-{gateway}-sdk",
            "contract_sdk_snake": f"{gw_snake}_sdk",
            "contract_sdk_path": f"../../../{gateway}-sdk",  # modules/<gw>/plugins/<name>/<name> -> modules/<gw>
            "contract_trait": f"{gw_pascal}PluginClientV1",
            "contract_error_enum": f"{gw_pascal}Error",
            "contract_plugin_spec": f"{gw_pascal}PluginSpecV1",
        }
        gts_type_id = f"gts.x.core.modkit.plugin.v1~x.core.{gw_snake}.plugin.v1~"
    else:
        contract = {
            "contract_sdk_name": own["sdk_name"],
            "contract_sdk_package": own["sdk_package_name"],
            "contract_sdk_snake": own["sdk_snake"],
            "contract_sdk_path": f"../{own['sdk_name']}",
            "contract_trait": own["client_trait"],
            "contract_error_enum": own["error_enum"],
            "contract_plugin_spec": own["plugin_spec"] if category == "gateway" else "",
        }
        gts_type_id = plugin_spec_id if category == "gateway" else item_type_id
    return {
        "module_snake": snake_name,
        "module_pascal": pascal_name,
        "module_title": title(name),
        "package_name": f"cf-{name}",
        **own,
        "module_struct": f"{pascal_name}Module",
        "config_struct": f"{pascal_name}Config",
        "gts_type_id": gts_type_id,
        "plugin_spec_id": plugin_spec_id,
        "item_type_id": item_type_id,
        "instance_segment": f"x.core.{snake_name}.plugin.v1" if category == "worker" else "",
        "plugin_vendor": PLUGIN_VENDOR,
        "module_dir": layout.module_dir(name, category, gateway),
        "crate_root": layout.crate_to_root(name, category, gateway),
        **contract,
    }


def has_rest(category: str, rest_api: object) -> bool:
    """copier.yml's `has_rest`: a public REST API was asked for and the category allows one (workers have none)."""
    return bool(rest_api) and category != "worker"


def gateway_error(gateway: object, module_name: object) -> str:
    """Why `gateway` cannot name the gateway a worker plugs into, or ''."""
    if not isinstance(gateway, str) or not gateway:
        return (
            "gateway must name the gateway module this worker plugs into (its module name, such as oagw); "
            "a worker implements that gateway's plugin trait and lives in modules/<gateway>/plugins/<name>, "
            "whose folder names it"
        )
    problem = module_name_error(gateway)
    if problem:
        return problem.replace("module_name", "gateway", 1)
    if gateway == module_name:
        return f"gateway {gateway!r} is the worker itself; name the gateway module it plugs into"
    return ""


def worker_destination_error(destination: object, gateway: object) -> str:
    """Why a worker of `gateway` cannot live at `destination`, or ''. A worker lives where the platform puts a
    gateway's plugins; its Cargo.toml reaches the gateway's SDK and the monorepo root from there."""
    if not gateway or layout.gateway_of(destination) == gateway:
        return ""
    name = os.path.basename(os.path.abspath(str(destination)))
    return (
        f"a worker of {gateway} lives in {layout.module_dir(name, 'worker', str(gateway))}, beside the gateway's "
        f"SDK its Cargo.toml names; put it there (`modforge new {name} --data category=worker "
        f"--data gateway={gateway}` does; `git mv` moves an existing one)"
    )


def default_id_prefix(name: str) -> str:
    """`cred-store` -> `CREDSTORE`: the module name without dashes, upper-cased, cut to the maximum."""
    prefix = re.sub(r"[^A-Z0-9]", "", name.upper())[: grammar.PREFIX_MAX]
    if len(prefix) < grammar.PREFIX_MIN:
        prefix = (prefix + "MOD")[: grammar.PREFIX_MAX]
    if prefix in grammar.RESERVED_PREFIXES:
        prefix += "M"
    return prefix


def free_id_prefix(name: str, taken: Iterable[str]) -> str:
    """The first readable prefix for module `name` that no other module owns (`taken`).

    Best first: the name without dashes (`file-parser-tika` -> FILEPARSER), the initials of the leading
    words and the last word whole (FPTIKA), the first word and the initials of the others (FILEPT), the
    leading words with more and more of the last one (FILEPARSET, FILEPARSTI ...), then the first of those
    cut short with a number (FILEPARSE2 ...). Every one is a valid prefix of at most 10 characters.
    """
    taken = set(taken)
    return next(p for p in _prefix_candidates(name) if p not in taken and not grammar.prefix_error(p))


def _prefix_candidates(name: str) -> Iterator[str]:
    limit = grammar.PREFIX_MAX
    words = [w for w in (re.sub(r"[^A-Z0-9]", "", part) for part in name.upper().split("-")) if w]
    first = default_id_prefix(name)
    yield first
    if len(words) > 1:
        head, last = words[:-1], words[-1]
        yield ("".join(w[0] for w in head) + last)[:limit]
        yield (words[0] + "".join(w[0] for w in words[1:]))[:limit]
        joined = "".join(head)
        for k in range(1, min(len(last), limit - 1) + 1):
            yield joined[: limit - k] + last[:k]
    for number in range(2, 10**4):
        digits = str(number)
        yield first[: limit - len(digits)] + digits


_SHOWN_MAX = 60  # a longer name (a pasted paragraph, 300 characters) is shown by its start


def module_name_error(name: object) -> str:
    """Why `name` cannot be a module name, or ''."""
    if not isinstance(name, str) or not MODULE_NAME_RE.fullmatch(name):
        if isinstance(name, str):
            name = name[:_SHOWN_MAX]  # the message shows the start of a very long name
        suggestion = _kebab(str(name or ""))
        hint = f" such as '{suggestion}'" if suggestion and not module_name_error(suggestion) else ""  # one that passes
        return (
            f"module_name {name!r} must be kebab-case: lower-case letters and digits in words joined by single "
            "dashes, starting with a letter (^[a-z][a-z0-9]*(-[a-z0-9]+)*$); "
            f"type a name{hint or ' such as cred-store'}"
        )
    if len(name) > MODULE_NAME_MAX:
        shown = repr(name) if len(name) <= _SHOWN_MAX else f"{name[:_SHOWN_MAX]!r}..."
        return f"module_name {shown} is longer than {MODULE_NAME_MAX} characters; type a shorter name"
    crate = snake(name)
    if crate in RUST_KEYWORDS:
        return (
            f"module_name {name!r} is the Rust keyword '{crate}' and cannot name a crate; "
            f"type '{name}-service' or a more specific name"
        )
    if crate in RESERVED_CRATES:
        return f"module_name {name!r} would shadow the crate '{crate}'; type '{name}-service' or a more specific name"
    if name.endswith("-sdk"):
        return f"module_name {name!r} ends in '-sdk', which the SDK crate adds itself; type '{name[:-4]}'"
    return ""


def _kebab(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower())
    return "-".join(words).lstrip("0123456789-")


CRATE_DIR_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
NOT_CRATE_DIRS = frozenset({"docs", "plugins", "target", "schemas", "src"})


def crate_dir_error(folder: object) -> str:
    """Why `folder` cannot hold a crate of the module (one folder name inside the module), or ''."""
    if not isinstance(folder, str) or not CRATE_DIR_RE.fullmatch(folder) or folder.endswith("."):
        return f"crate folder {folder!r} must be one folder name inside the module, such as 'oagw-gw'"
    if folder in NOT_CRATE_DIRS:
        return f"crate folder {folder!r} is where the module keeps something else; name the crate's own folder"
    return ""


def id_prefix_error(prefix: object) -> str:
    return grammar.prefix_error(prefix if isinstance(prefix, str) else "") or ""


def description_error(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        return "description must not be empty; type one line that says what the module does"
    if "\n" in text.strip() or len(text) > 200:
        return "description must be one line of at most 200 characters; move details into docs/INTENT_DESIGN.md"
    if any(ord(c) < 32 and c != "\t" for c in text):
        return "description may not contain control characters; type plain text on one line"
    if '"' in text or "\\" in text:
        return "description may not contain double quotes or backslashes (it goes into Cargo.toml); rephrase it"
    return _names_id("description", text)


def owner_error(owner: object) -> str:
    if not isinstance(owner, str) or not owner.strip() or "\n" in owner:
        return "owner must be one line naming the team or person who approves each step, such as '@platform-team'"
    return _names_id("owner", owner)


def _names_id(question: str, text: str) -> str:
    """The documents render this answer: an ID in it would be a reference the new module cannot resolve."""
    found = grammar.ID_TOKEN_RE.search(text)
    if found:
        return f"{question} may not name an ID ({found.group()}): the new module would fail its own check; use words"
    return ""


def phases_error(phases: object) -> str:
    if isinstance(phases, bool) or not isinstance(phases, int) or not PHASES_MIN <= phases <= PHASES_MAX:
        return f"phases must be a whole number from {PHASES_MIN} to {PHASES_MAX}"
    return ""


def phase_titles_error(titles: object, phases: object) -> str:
    if phases_error(phases):
        return ""  # reported on `phases`
    if not isinstance(titles, list) or not all(isinstance(t, str) and t.strip() for t in titles):
        return 'phase_titles must be a list of non-empty titles, such as ["Core API", "Health checks"]'
    if len(titles) != phases:
        return f"phase_titles has {len(titles)} titles but phases is {phases}; give exactly one title per phase"
    for item in titles:
        if "\n" in item or "#" in item or grammar.ID_TOKEN_RE.search(item):
            return f"phase title {item!r} must be one line without '#' or IDs; the PHASE id is added for you"
    return ""


def default_phase_titles(phases: object) -> list[str]:
    """Sensible titles for `phases` phases; users rename them in the questionnaire or later in the docs."""
    count = phases if isinstance(phases, int) and not isinstance(phases, bool) else 1
    named = ["Core Functionality", "Extended Capabilities", "Hardening and Scale"]
    return [named[i] if i < len(named) else f"Increment {i + 1}" for i in range(max(count, 0))]
