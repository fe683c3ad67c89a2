"""Changing many modules in one run: `modforge update` (one module or `--all`) and `modforge migrate --all`.

- `selection`: the modules a run works on, their answers, the run's preconditions;
- `copier_seams`: what a run of `copier update` over many modules does once instead of per module;
- `scratch`: each module alone in a scratch repository, so updates run in parallel on separate git indexes;
- `module_update`: one module's real `copier update` there, read back as plain data (`outcome.Outcome`);
- `pool`: forked workers streaming results back; `apply`: one module's result written as a transaction;
- `runner`: the whole run; `report`: progress, the table and JSON.
"""
