"""The pipeline's definitions, each in one place: the ID grammar, document and section names and heading
forms, module names and answer rules, the global requirements, and a new module's task plan.
Stdlib only: copier loads these from the template checkout without modforge installed."""
