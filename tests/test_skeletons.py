"""Rendering the template's own files outside copier (adoption, migrations) gives what `copier copy` gives,
and each template checkout renders with its own code, whatever modforge the process already imported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import copy_module, snapshot_template

from modforge.spec import layout
from modforge.templating.skeletons import TemplateRenderer

MATRIX = [
    {"module_name": "cred-store", "persistence": True},
    {"module_name": "oagw", "category": "gateway", "phases": 4},
    {"module_name": "oagw-apikey", "category": "worker", "gateway": "oagw", "phases": 1},
    {"module_name": "s3", "rest_api": False, "phases": 3, "id_prefix": "S3X"},
]


@pytest.mark.parametrize("answers", MATRIX, ids=lambda a: a["module_name"])
def test_documents_and_answers_render_as_copier_copy_writes_them(template_dir, tmp_path, answers):
    folder = layout.module_dir(answers["module_name"], answers.get("category", "generic"), answers.get("gateway", ""))
    module = copy_module(template_dir, tmp_path / folder, **answers)
    stored = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    renderer = TemplateRenderer(template_dir)
    context = renderer.context({k: v for k, v in stored.items() if not k.startswith("_")}, module)
    assert renderer.document_names() == list(layout.PIPELINE_DOCS)
    for name in layout.PIPELINE_DOCS:
        path = f"{layout.DOCS_DIR}/{name}"
        assert renderer.render(path, context) == (module / path).read_text(), name
    expected = (module / layout.ANSWERS_FILE).read_text()
    assert renderer.answers_text(context, stored["_src_path"], stored.get("_commit")) == expected


def test_answers_for_questions_not_given_take_the_template_defaults(template_dir, tmp_path):
    renderer = TemplateRenderer(template_dir)
    destination = tmp_path / "modules/oagw/plugins/quota-worker"
    context = renderer.context({"module_name": "quota-worker", "category": "worker"}, destination)
    remembered = renderer.remembered(context)
    assert remembered["id_prefix"] == "QUOTAWORKE"
    assert remembered["gateway"] == "oagw", "a worker's gateway defaults to the gateway whose plugins folder holds it"
    assert not {"rest_api", "gts"} & set(remembered), "copier does not ask (or store) these for a worker"
    assert context["has_rest"] is False


def test_a_template_checkout_renders_with_its_own_layout_not_the_imported_one(tmp_path):
    """`copier update` renders two versions in one process, and `modforge update` runs copier inside
    modforge: each version must use the layout of its own checkout."""
    template = snapshot_template(tmp_path / "template-next")
    layout_py = template / "src" / "modforge" / "spec" / "layout.py"
    layout_py.write_text(layout_py.read_text().replace('("overview", "Overview")', '("overview", "Summary")'))
    module = copy_module(template, tmp_path / "modules" / "cred-store")
    design = (module / "docs" / layout.INTENT_DESIGN).read_text()
    assert "\n## Summary\n" in design
    assert layout.DESIGN_SECTION["overview"] == "Overview", "the process's own modforge is untouched"
    assert TemplateRenderer(template).render("docs/INTENT_DESIGN.md", _context(template, module)) == design


def _context(template: Path, module: Path) -> dict:
    renderer = TemplateRenderer(template)
    stored = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    return renderer.context({k: v for k, v in stored.items() if not k.startswith("_")}, module)
