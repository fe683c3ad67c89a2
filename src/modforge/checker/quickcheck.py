"""A fast proof that a module has no finding at all: `proven_clean(source, globals)`.

Building the full model of a module (modforge.documents.parser) and running every rule over it costs a few
milliseconds, nearly all of it in Python steps per heading, list item and ID. Most modules of a monorepo
are clean at any commit, and this module proves that of the usual one from a few whole-text regular
expressions, run in C, and set operations on ID spellings:

- every document must be in the spec's canonical form, a narrow line grammar per document (below):
  headings only as the spec writes them, column-0 list items (and free text nested one level under a
  step or subtask), steps in WHEN-then-THEN order, IDs in definition headings spelled canonically, no
  HTML outside column-0 comment blocks, code spans only in the designs. Such a text holds no line that
  modforge.documents.blockscan sends to its exact (CommonMark container) path, so what the grammar reads is what
  the block scanner and the parser read;
- what a grammar cannot count is counted from a few facts: task and subtask numbers, design phase
  numbers, changelog versions and dates, normative keywords;
- the ID rules are set operations on spellings: every ID written is one a heading defines (canonical, so
  one spelling per ID, with the module's prefix) or a global requirement of the list.

It never produces a finding: False means "not proven", and the module then goes through the full parse
and every rule, which find and place what is wrong; the rules stay the one definition of each check.
This module must only never call a module clean that has a finding: tests/test_quickcheck.py checks
thousands of mutated modules both ways, checks that it accepts the documents the benchmark writes, and
fails when a rule is added that PROOFS does not name.
"""

from __future__ import annotations

import datetime
import re
from operator import itemgetter

from modforge.documents import blockscan, loader
from modforge.documents.doctext import may_hold_conflict_marker, readable_text
from modforge.spec import layout
from modforge.spec.global_requirements import GlobalRequirements
from modforge.spec.grammar import (
    ANY_PREFIX,
    ID_FIND_RES,
    KEYWORDS,
    IdKind,
    canonical_pattern,
    number_order,
    prefix_error,
)

# How each rule is proven silent here. A rule added to modforge.checker.rules must be added (a test checks it).
PROOFS = {
    "MF001": "every document reads as UTF-8 text",
    "MF002": "no document is empty",
    "MF003": "the answers file reads as a mapping",
    "MF011": "no conflict marker anywhere",
    "MF012": "no leftover file",
    "MF101": "every ID spelled as a definition heading spells it, canonically",
    "MF102": "every ID carries the module's prefix, which is valid",
    "MF103": "every ID carries the module's prefix",
    "MF104": "no ID defined twice in a scope",
    "MF105": "the answers file's prefix is valid",
    "MF201": "every ID defined",
    "MF202": "every ID defined",
    "MF203": "every ID defined",
    "MF204": "every ID defined; phase sections carry IDs",
    "MF205": "every global REQ in the global list",
    "MF206": "each document holds only ID kinds it may reference",
    "MF301": "canonical requirement headings only",
    "MF302": "each intent requirement's body has a normative keyword",
    "MF401": "canonical scenario headings only",
    "MF402": "steps: WHEN, WHEN or AND ..., THEN, THEN or AND ...",
    "MF403": "steps only",
    "MF404": "no deeper heading",
    "MF405": "every scenario under a phase section",
    "MF501": "canonical task headings only",
    "MF502": "task numbers 1, 2, 3 ... in order",
    "MF503": "subtask numbers K.1, K.2 ... in order",
    "MF504": "checkbox marks ` ` or `x`",
    "MF505": "every task under a phase section",
    "MF601": "release headings only at level 2",
    "MF602": "MAJOR.MINOR.PATCH versions",
    "MF603": "real dates; none on Unreleased",
    "MF604": "Unreleased first, versions falling, dates not rising",
    "MF605": "known sections, once per release, entries inside them",
    "MF701": "canonical entry headings only",
    "MF702": "Intent, Actual, Gap, in order",
    "MF801": "the module defines requirements or scenarios",
    "MF802": "phase headings in the design's form only",
    "MF803": "design phase numbers 1, 2, 3 ... in order",
    "MF901": "every requirement cited by a scenario or task document",
    "MF902": "every design phase has a scenario section with a scenario",
}

# --- the canonical line grammar ------------------------------------------------------------------
# Every piece matches whole lines, each with the newline before it (the text is read with a newline put in
# front), and ends at the end of its line (_EOL), so that none can stop short and leave a line half read.
# Repetitions are possessive: the pieces start differently, so nothing is retried, and a text that leaves
# the grammar fails in linear time.
_EOL = r"(?![^\n])"
_REST = rf"[^\n`<]*+{_EOL}"  # the rest of a line: no code span or HTML can start in it
_REST_CODE = rf"[^\n`<\\]*+(?:`[^`\n\\]++`[^\n`<\\]*+)*+{_EOL}"  # ... or with one-line code spans, and no escapes
_BLANK = rf"\n[ \t]*+{_EOL}"
# A paragraph line (or a list item's lazy continuation): it starts with no block's first character
_PROSE_START = r"[^\s#*+\-><=`~0-9_\\]"
_PROSE = rf"\n{_PROSE_START}{_REST}"
_BULLET = rf"\n- [A-Za-z(*\[]{_REST}"  # a column-0 item that opens no block (see blockscan's _CANDIDATE)
_TEXT = rf"(?:{_BLANK}|{_PROSE})*+"
_TITLE = rf"[^\s`<#][^\n`<#]*+(?<!\s){_EOL}"  # a heading's title: no closing #s, no blanks around
_H2, _H3 = "#" * layout.PHASE_SECTION_LEVEL, "#" * layout.DEFINITION_LEVEL
_PHASE, _TASK = IdKind.PHASE.keyword, IdKind.TASK.keyword
_LEGACY_PHASE = "Phase"  # the spec's `## Phase 1` task groups (layout.LEGACY_PHASE_SECTION_RE)
# A title the parser classifies as nothing: it opens with no ID keyword or legacy `Phase N`, and names no
# phase (which would make it a design phase heading)
_NO_KEYWORD_FIRST = rf"(?![ \t]|{'|'.join(KEYWORDS)}|{_LEGACY_PHASE})"
_UNCLASSIFIED = rf"{_NO_KEYWORD_FIRST}(?![^\n]*{_PHASE}-)"
_PLAIN_HEADING = rf" {_UNCLASSIFIED}[^\n`<#]*+{_EOL}"
_PREAMBLE = rf"{_TEXT}(?:\n#{_PLAIN_HEADING}{_TEXT})?"


def _definition(kind: IdKind) -> str:
    return rf"\n{_H3} {canonical_pattern(kind)}: {_TITLE}"


def _bold_bullet(word: str, rest: str = _REST) -> str:
    return rf"\n- \*\*{word}\*\*(?: {rest})?{_EOL}"


# Phase sections as modforge writes them (`## PHASE-OAGW-1: Basic Forwarding`) and as the spec does: untitled, the
# number also with the two digits of its scenario example (`## PHASE-MODULE-01`, which MF101 accepts for a phase:
# grammar.padded_right) and, in TASKS.md, its task groups' `## Phase 1`.
_SECTION_PHASE_ID = rf"{_PHASE}-{ANY_PREFIX}-(?:[1-9][0-9]*|0[1-9])"
_PHASE_SECTION = rf"\n{_H2} {_SECTION_PHASE_ID}(?:: {_TITLE}|{_EOL}){_TEXT}"
_TASK_GROUP = rf"\n{_H2} (?:{_SECTION_PHASE_ID}|{_LEGACY_PHASE} [1-9][0-9]*)(?:: {_TITLE}|{_EOL}){_TEXT}"
# Free-text items nested one level under a step or subtask (two spaces: the parent's content column; no
# checkbox, which would make a nested subtask)
_NESTED = rf"(?:\n  - [A-Za-z(*]{_REST})*+"
# Steps, subtasks and gap fields may stand apart, after blank lines or under a line of prose
_WHEN, _THEN, _AND = (_TEXT + _bold_bullet(keyword) + _NESTED for keyword in layout.STEP_KEYWORDS)
_STEPS = rf"{_WHEN}(?:{_WHEN}|{_AND})*+{_THEN}(?:{_THEN}|{_AND})*+"
_OTHER_BULLET = rf"\n- (?!\*\*(?:{'|'.join(layout.STEP_KEYWORDS)})\*\*)[A-Za-z(*\[]{_REST}"
_SUBTASK = rf"{_TEXT}\n- \[[ x]\] [0-9]+\.[0-9]+(?: {_REST})?{_EOL}{_NESTED}"
_GAP_FIELDS = "".join(_TEXT + _bold_bullet(f"{label}:") for label in layout.GAP_LABELS)
_SEMVER = r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
_RELEASE = rf"\n## \[(?:{layout.UNRELEASED}\]|{_SEMVER}\] - [0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}){_EOL}{_TEXT}"
_CHANGES = rf"\n### (?:{'|'.join(layout.CHANGE_TYPES)}){_EOL}(?:{_BULLET}|{_BLANK}|{_PROSE})*+"
_DESIGN_PHASE = rf"\n{_H3} {_NO_KEYWORD_FIRST}[A-Za-z0-9][^\n`<#()]*+(?<= )\({canonical_pattern(IdKind.PHASE)}\){_EOL}"
_DESIGN_LINE = (
    rf"\n{_H2}{_PLAIN_HEADING}|\n{_H3}{_PLAIN_HEADING}|{_DESIGN_PHASE}|{_BLANK}"
    rf"|\n(?={_PROSE_START}){_REST_CODE}|\n- (?=[A-Za-z(*\[`]){_REST_CODE}"  # prose and tables, bullets
)

_SCENARIOS = rf"{_PREAMBLE}(?:{_PHASE_SECTION}(?:{_definition(IdKind.SCEN)}{_STEPS}{_TEXT})*+)*+"
_GRAMMARS = {
    layout.INTENT_SCENARIOS: _SCENARIOS,
    # ACTUAL_SCENARIOS.md may add bullets after the steps (an implementation status): MF403 skips it
    layout.ACTUAL_SCENARIOS: _SCENARIOS.replace(
        f"{_STEPS}{_TEXT}", rf"{_STEPS}(?:{_BLANK}|{_PROSE}|{_OTHER_BULLET})*+"
    ),
    layout.INTENT_REQUIREMENTS: rf"{_PREAMBLE}(?:{_definition(IdKind.REQ)}(?:{_BLANK}|{_PROSE}|{_BULLET})*+)*+",
    layout.TASKS: rf"{_PREAMBLE}(?:{_TASK_GROUP}(?:{_definition(IdKind.TASK)}(?:{_SUBTASK})*+{_TEXT})*+)*+",
    layout.INTENT_VS_ACTUAL: rf"{_PREAMBLE}(?:{_definition(IdKind.SCEN)}{_GAP_FIELDS}{_TEXT})*+",
    layout.CHANGELOG: rf"{_PREAMBLE}(?:{_RELEASE}(?:{_CHANGES})*+)*+",
    layout.INTENT_DESIGN: rf"{_PREAMBLE}(?:{_DESIGN_LINE})*+",
}
_GRAMMARS[layout.ACTUAL_REQUIREMENTS] = _GRAMMARS[layout.INTENT_REQUIREMENTS]
_GRAMMARS[layout.ACTUAL_DESIGN] = _GRAMMARS[layout.INTENT_DESIGN]
_CANONICAL = {name: re.compile(pattern) for name, pattern in _GRAMMARS.items()}

# Facts read from a canonical text, where `#` opens a line only in the headings above.
_DEFINITIONS = re.compile(rf"\n{_H3} ((?:{layout.DEFINITION_KEYWORDS})-({ANY_PREFIX})-[0-9]+)")
_DESIGN_PHASES = re.compile(rf"\n{_H3} [^\n]*\(({_PHASE}-({ANY_PREFIX})-([0-9]+))\){_EOL}")
_TASK_NUMBERS = re.compile(rf"\n{_H3} {_TASK}-{ANY_PREFIX}-([0-9]+)|\n- \[[ x]\] ([0-9]+\.[0-9]+)")
_PHASES_WITH_SCENARIOS = re.compile(rf"\n{_H2} {_PHASE}-{ANY_PREFIX}-([0-9]+)[^\n]*+(?:\n(?!#)[^\n]*+)*+\n{_H3} ")
_LEGACY_GROUPS = re.compile(rf"\n{_H2} {_LEGACY_PHASE} ([0-9]+)")
_RELEASES_AND_SECTIONS = re.compile(r"\n## \[([^\]]+)\](?: - ([0-9-]+))?|\n### (\w+)")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)

# For each document, the ID keywords whose every kind it may reference (ALLOWED_REFERENCES, by keyword).
_KINDS_OF_KEYWORD = {keyword: {kind for kind in IdKind if kind.keyword == keyword} for keyword in KEYWORDS}
_ID_FINDERS = tuple(zip(KEYWORDS, ID_FIND_RES, strict=True))  # each ID keyword with the pattern that finds its IDs
_ALLOWED_KEYWORDS = {
    name: frozenset(k for k in KEYWORDS if _KINDS_OF_KEYWORD[k] <= layout.ALLOWED_REFERENCES.get(name, set(IdKind)))
    for name in layout.PIPELINE_DOCS
}


def proven_clean(source: loader.ModuleSource, globals: GlobalRequirements, read: dict | None = None) -> bool:
    """Whether every rule is proven silent on the module `source` holds (False: not proven, check it).

    With `read`, a proven module's texts as the proof read them (comments and code blanked, a newline put in
    front), the ID spellings each holds and its ID tokens of each keyword in text order are put in it, as "texts",
    "spellings" and "tokens" by document name: modforge.pipeline.facts reads a module's facts from them instead
    of reading it twice."""
    if source.extra_files:
        return False
    answers, problem = loader.read_answers(source.answers)
    prefix = answers.get("id_prefix") if answers else None
    if problem is not None or not isinstance(prefix, str) or prefix_error(prefix.strip()):
        return False
    prefix = prefix.strip()
    texts: dict[str, str] = {}  # document name -> text with comments and code blanked
    spellings: dict[str, set[str]] = {}  # document name -> the ID spellings it holds
    listed: dict[str, dict[str, list[str]]] = {}  # document name -> keyword -> its ID tokens, in text order
    for name, _path, data in source.documents:
        text = readable_text(data) if data is not None else None
        if text is None:
            return False
        src = "\n" + text
        if may_hold_conflict_marker(src):
            return False  # MF011 (even inside code, where the rule is silent: the full check decides)
        visible = blockscan.without_blocks(src)
        if _CANONICAL[name].fullmatch(visible) is None:
            return False
        if "`" in visible:
            visible = _CODE_SPAN.sub(" ", visible)  # one-line code spans (the designs' grammar allows them)
        found: set[str] = set()
        listed[name] = by_keyword = {}
        allowed = _ALLOWED_KEYWORDS[name]
        for keyword, pattern in _ID_FINDERS:
            if keyword in visible:
                tokens = pattern.findall(visible)
                if tokens and keyword not in allowed:
                    return False  # MF206
                found.update(map(_unpadded_phase, tokens) if keyword == _PHASE else tokens)
                by_keyword[keyword] = tokens
        texts[name], spellings[name] = visible, found
    proven = _ids_proven(texts, spellings, prefix, globals) and _counts_proven(texts)
    if proven and read is not None:
        read.update(texts=texts, spellings=spellings, tokens=listed)
    return proven


def _unpadded_phase(token: str) -> str:
    """`PHASE-OAGW-01` as `PHASE-OAGW-1`: the spec's two-digit phase is the same phase (MF101 accepts it); any
    other spelling is kept (`PHASE-OAGW-00` becomes `PHASE-OAGW-0`), and is then no definition's."""
    return token[:-2] + token[-1] if token[-3] == "-" and token[-2] == "0" else token


Spellings = dict[str, set[str]]  # document name -> the ID spellings it holds


def _ids_proven(texts: dict[str, str], spellings: Spellings, prefix: str, globals: GlobalRequirements) -> bool:
    defined: dict[str, list[str]] = {}
    prefixes: set[str] = set()
    for name, visible in texts.items():
        found = _DESIGN_PHASES.findall(visible) if name in layout.DESIGN_DOCS else _DEFINITIONS.findall(visible)
        if name not in (layout.INTENT_VS_ACTUAL, layout.CHANGELOG):  # gap entries and entries define nothing
            defined[name] = list(map(_FIRST, found))
            prefixes.update(map(_SECOND, found))
    if prefixes - {prefix}:
        return False  # MF102, MF103 (every spelling below is a definition's or a global REQ)
    # MF104: nothing defined twice within the intent documents, nor within any other (in TASKS.md, MF502 too)
    intent = [text for name in layout.INTENT_DOCS for text in defined.get(name, ())]
    others = [texts for name, texts in defined.items() if name not in layout.INTENT_DOCS]
    if any(len(found) != len(set(found)) for found in (intent, *others)):
        return False
    # MF101, MF201-MF205: canonical definitions, so one spelling per ID; each spelling one of them
    known = {text for found in defined.values() for text in found}
    known.update(f"REQ-{number}" for number in globals.titles)
    if not all(found <= known for found in spellings.values()):
        return False
    if _LEGACY_PHASE in texts.get(layout.TASKS, ""):  # MF204: a `## Phase N` group names a design phase by number
        numbers = {int(n) for name in layout.DESIGN_DOCS for _, _, n in _DESIGN_PHASES.findall(texts.get(name, ""))}
        if not {int(n) for n in _LEGACY_GROUPS.findall(texts[layout.TASKS])} <= numbers:
            return False
    has_requirements = any(defined.get(name) for name in layout.REQUIREMENT_DOCS)
    has_scenarios = any(defined.get(name) for name in layout.SCENARIO_DOCS)
    if not has_requirements and not has_scenarios:
        return False  # a Step 1 module: MF801 reads its design (a small module: the full check is quick)
    return not has_scenarios or _orphans_proven(texts, spellings, defined)


def _orphans_proven(texts: dict[str, str], spellings: Spellings, defined: dict[str, list[str]]) -> bool:
    """MF901 and MF902, for a module that defines scenarios."""
    cited = set().union(*(spellings.get(name, ()) for name in (*layout.SCENARIO_DOCS, layout.TASKS)))
    requirements = layout.INTENT_REQUIREMENTS if layout.INTENT_REQUIREMENTS in texts else layout.ACTUAL_REQUIREMENTS
    if not set(defined.get(requirements, ())) <= cited:
        return False
    # A design is there: a scenario sits under a phase section, whose phase only a design defines (checked above)
    design = layout.INTENT_DESIGN if layout.INTENT_DESIGN in texts else layout.ACTUAL_DESIGN
    covered = {int(n) for name in layout.SCENARIO_DOCS for n in _PHASES_WITH_SCENARIOS.findall(texts.get(name, ""))}
    return all(int(number) in covered for _, _, number in _DESIGN_PHASES.findall(texts.get(design, "")))


def _counts_proven(texts: dict[str, str]) -> bool:
    """What a grammar cannot count: normative keywords, task, subtask and phase numbers, releases."""
    requirements = texts.get(layout.INTENT_REQUIREMENTS)
    if requirements is not None:  # MF302: each requirement's body (the lines under its heading)
        bodies = requirements.split("\n### ")[1:]
        if not all(layout.NORMATIVE_RE.search(body.partition("\n")[2]) for body in bodies):
            return False
    tasks = texts.get(layout.TASKS)
    if tasks is not None:  # MF502, MF503
        next_task, task, next_subtask = 1, "", 1
        for task_number, subtask_number in _TASK_NUMBERS.findall(tasks):
            if task_number:
                if int(task_number) != next_task:
                    return False
                task, next_task, next_subtask = str(next_task), next_task + 1, 1  # K as a number: `1.1`
            elif subtask_number != f"{task}.{next_subtask}":
                return False
            else:
                next_subtask += 1
    for name in layout.DESIGN_DOCS:  # MF803
        numbers = [int(number) for _, _, number in _DESIGN_PHASES.findall(texts.get(name, ""))]
        if numbers != list(range(1, len(numbers) + 1)):
            return False
    changelog = texts.get(layout.CHANGELOG)
    return changelog is None or _releases_proven(changelog)


def _releases_proven(changelog: str) -> bool:
    """MF603-MF605 over the releases the grammar let through: Unreleased first, versions falling with real
    dates not rising, each section once per release."""
    above: tuple[tuple[tuple[int, str], ...], str] | None = None
    sections: set[str] = set()
    first = True
    for version, date, section in _RELEASES_AND_SECTIONS.findall(changelog):
        if section:
            if section in sections:
                return False
            sections.add(section)
            continue
        sections, was_first, first = set(), first, False
        if version == layout.UNRELEASED:
            if not was_first:
                return False
            continue
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            return False
        mine = tuple(map(number_order, version.split(".")))
        if above is not None and (mine >= above[0] or date > above[1]):
            return False
        above = (mine, date)
    return True
