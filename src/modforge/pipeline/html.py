"""The traceability matrix as one self-contained HTML page: no network, no CDN, its style and script inline.

Per module and per phase progress bars, the matrix (one row per scenario) with its gaps highlighted, filters
by phase and by gap, and links to the file and line of every item (`file://` links; the text shows path:line).
The data is the JSON document of modforge.pipeline.trace, embedded once; the page builds its rows from it.
"""

from __future__ import annotations

import html
import os

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px}
.filters{position:sticky;top:0;background:#f4f6f9;padding:10px;border:1px solid #d8dee8;border-radius:6px;z-index:1}
.filters label{margin-right:18px}select{font:inherit;padding:2px 4px}
.progress{display:flex;align-items:center;gap:8px;margin:3px 0}
.progress .name{width:320px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar{width:240px;height:12px;background:#e3e7ee;border-radius:6px;overflow:hidden}
.bar span{display:block;height:100%;background:#2f9e5b}
.bar.tested span{background:#2f6fde}.bar.released span{background:#8a4fd8}
table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{border:1px solid #d8dee8;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eef1f6}tr.gap td{background:#fff4f2}td.gap{color:#b42318;font-weight:600}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
.muted{color:#7a8496}.count{margin-left:12px;color:#4a5568}
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  const root = document.getElementById("modules");
  const phaseFilter = document.getElementById("phase-filter");
  const gapFilter = document.getElementById("gap-filter");
  const counter = document.getElementById("visible-count");
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children || []) node.append(child);
    return node;
  }
  function link(location) {
    const cut = location.lastIndexOf(":");
    const path = location.slice(0, cut);
    const absolute = path.startsWith("/") ? path : data.cwd + "/" + path;
    return el("a", {href: "file://" + encodeURI(absolute) + "#L" + location.slice(cut + 1)}, [location]);
  }
  function list(items, render) {
    const cell = el("td");
    if (!items.length) { cell.append(el("span", {class: "muted"}, ["—"])); return cell; }
    items.forEach((item, i) => { if (i) cell.append(el("br")); cell.append(render(item)); });
    return cell;
  }
  function bar(label, done, total, kind) {
    const percent = total ? Math.round(100 * done / total) : 0;
    const fill = el("span", {style: "width:" + percent + "%"});
    return el("div", {class: "progress"}, [
      el("span", {class: "name"}, [label]),
      el("div", {class: "bar " + kind, role: "progressbar", "aria-valuenow": String(percent)}, [fill]),
      el("span", {}, [done + "/" + total]),
    ]);
  }
  const phases = new Set();
  for (const module of data.modules) {
    const section = el("section", {class: "module"});
    section.append(el("h2", {}, [module.module + " ", el("span", {class: "muted"}, [module.path])]));
    let scen = 0, tasked = 0, tested = 0, released = 0;
    for (const phase of module.phases) {
      const s = phase.scenarios;
      scen += s.total; tasked += s.with_task; tested += s.tested; released += s.released;
    }
    section.append(bar("module: scenarios released", released, scen, "released"));
    for (const phase of module.phases) {
      phases.add(String(phase.number));
      const s = phase.scenarios;
      section.append(bar(phase.id + " " + phase.title + ": tasks done", phase.tasks.done, phase.tasks.total, "tasks"));
      section.append(bar(phase.id + ": scenarios tested", s.tested, s.total, "tested"));
      section.append(bar(phase.id + ": scenarios released", s.released, s.total, "released"));
    }
    const table = el("table", {class: "matrix"});
    table.append(el("thead", {}, [el("tr", {}, ["Scenario", "Phase", "Global REQ", "Module REQ", "Tasks", "Code",
      "E2E test", "Release", "Gaps"].map((h) => el("th", {}, [h])))]));
    const body = el("tbody");
    for (const row of module.scenarios) {
      const tr = el("tr", {class: "scenario" + (row.gaps.length ? " gap" : ""), "data-phase": String(row.phase),
        "data-gaps": row.gaps.join(" ")});
      tr.append(el("td", {}, [el("strong", {}, [row.id]), " " + row.title, el("br"), link(row.location)]));
      tr.append(el("td", {}, [row.phase === null ? "—" : String(row.phase)]));
      tr.append(list(row.globals, (g) => g));
      tr.append(list(row.requirements, (r) => r));
      tr.append(list(row.tasks, (t) => el("span", {}, [t.id + (t.done ? " ✓ " : " "), link(t.location)])));
      tr.append(list(row.code, (c) => el("span", {}, [c.kind === "todo" ? "TODO " : "", link(c.location)])));
      tr.append(list(row.tests, (t) => el("span", {}, [t.name + " ", link(t.location)])));
      tr.append(list(row.release ? [row.release] : [], (r) => el("span", {}, [r.version + " (" + r.date + ") ",
        link(r.location)])));
      tr.append(el("td", {class: row.gaps.length ? "gap" : ""}, [row.gaps.join(", ") || "—"]));
      body.append(tr);
    }
    table.append(body);
    section.append(table);
    const uncovered = module.requirements.filter((r) => r.gaps.length);
    if (uncovered.length) {
      section.append(el("p", {}, ["Requirements no scenario covers:"]));
      section.append(el("ul", {class: "uncovered"}, uncovered.map((r) => el("li", {}, [r.id + " " + r.title + " ",
        link(r.location)]))));
    }
    root.append(section);
  }
  for (const number of [...phases].sort((a, b) => a - b)) {
    phaseFilter.append(el("option", {value: number}, ["phase " + number]));
  }
  function apply() {
    let shown = 0;
    for (const row of document.querySelectorAll("tr.scenario")) {
      const phaseOk = phaseFilter.value === "all" || row.dataset.phase === phaseFilter.value;
      const gaps = row.dataset.gaps ? row.dataset.gaps.split(" ") : [];
      const gapOk = gapFilter.value === "all" || (gapFilter.value === "any" ? gaps.length > 0
        : gapFilter.value === "none" ? gaps.length === 0 : gaps.includes(gapFilter.value));
      row.hidden = !(phaseOk && gapOk);
      if (!row.hidden) shown += 1;
    }
    counter.textContent = shown + " scenarios shown";
  }
  phaseFilter.addEventListener("change", apply);
  gapFilter.addEventListener("change", apply);
  apply();
})();
"""


def render(modules: list[str], title: str = "Traceability matrix") -> str:
    """The page for the modules' parts of a trace document (modforge.pipeline.trace.module_json)."""
    from modforge.pipeline import trace

    # `</` inside the JSON would end the script element early; escaped, it reads the same to JSON.parse
    embedded = trace.render_json(modules, cwd=os.getcwd()).rstrip().replace("</", "<\\/")
    gaps = "".join(f'<option value="{g}">{g}</option>' for g in ("no-task", "no-test", "no-release"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div class="filters">
<label>Phase <select id="phase-filter"><option value="all">all phases</option></select></label>
<label>Gap <select id="gap-filter"><option value="all">all scenarios</option><option value="any">any gap</option>
<option value="none">no gap</option>{gaps}</select></label>
<span id="visible-count" class="count"></span>
</div>
<div id="modules"></div>
<script type="application/json" id="trace-data">{embedded}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
