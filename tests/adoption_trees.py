"""Small hand-made module trees for adoption's in-process tests, and the template's renderer they share.

The renderer reads this checkout's copier.yml, as adoption reads the template's. It is made, with every
question's default and condition and every skeleton compiled, when the tests load: one adoption run makes it
once too (`adoption.plan` takes the process's renderer, skeletons.renderer). Under `make mutation`, mutmut forks
each mutant's tests from a process that loaded them, so the compilation is not paid again for every mutant.
"""

from __future__ import annotations

from pathlib import Path

from conftest import REPO_ROOT

# Modules adoption imports lazily, loaded with the tests for the same reason as the renderer.
import modforge.documents.parser
import modforge.templating.jinja_api  # noqa: F401
from modforge.spec import layout
from modforge.templating import skeletons


def _warmed() -> skeletons.TemplateRenderer:
    renderer = skeletons.renderer(REPO_ROOT)
    # A destination whose parent does not exist: the default ID prefix then looks at no sibling.
    context = renderer.context({}, REPO_ROOT / ".no-monorepo" / "warm-up")
    renderer.answers_text(context, "src", "v0")
    for name in renderer.document_names():
        renderer.render(f"{layout.DOCS_DIR}/{name}", context)
    return renderer


RENDERER = _warmed()


def write(root: Path, files: dict[str, str]) -> Path:
    """The module folder `root` with `files` (relative path -> text) written into it."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    return root
