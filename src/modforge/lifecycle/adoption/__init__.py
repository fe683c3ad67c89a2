"""Adoption: bring a hand-made or legacy module under the template, so that `copier update` keeps it current.

What such a module looks like (MODKIT_CONVENTIONS, "Known variations", and the platform's own modules):
documents named by their slot (`1_INTENT_DESIGN.md` ... `7_INTENT_VS_ACTUAL.md`, or with words of their own:
`2_INTENT_FACTS.md` is slot 2, the requirements), phase groups headed `## Phase 1`, task groups headed
`### 1. SDK Implementation` without TASK ids, crates in folders of their own (`<module>-gw/`), worker plugins
bundled in `plugins/`, sometimes OpenSpec specs, and no answers file. Adoption, planned in memory on a
`migration.ModuleTree` (so --dry-run is the same code without the write; `planner`):

1. renames the slot-named documents to the spec's names, `git mv` inside a git work tree (`renames`);
2. turns `Phase N` headings into the spec's phase headings, and gives each top-level task group a
   `TASK-<P>-NN` id in order (`headings`);
3. with `--from openspec`, converts OpenSpec requirements and scenarios into REQ and SCEN entries (`openspec`);
4. rewrites every reference to a renamed document in the module's text files (`renames`);
5. adds the documents the module lacks, rendered from the template's skeletons with the module's answers,
   but never beside a document it left alone that may be that document (`DESIGN.md`);
6. writes the answers file copier would have written, inferred from the documents and the code with the
   evidence for each answer (`inference`, `crates`), recording the template and its current release and
   the module's own crate folders, so `copier update` works and renders into them.

Every line of every document is kept; only heading lines change, and their titles stay. A check at the
end compares the documents line by line and refuses to write if anything would be lost.
"""

from modforge.lifecycle.adoption.crates import read_layout
from modforge.lifecycle.adoption.planner import FROM_OPENSPEC, SOURCES, Plan, looks_like_module, plan

__all__ = ["FROM_OPENSPEC", "SOURCES", "Plan", "looks_like_module", "plan", "read_layout"]
