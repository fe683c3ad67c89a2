"""`modforge check`: the rules over the document model, the quick proof of a clean module, the engine that
caches and parallelises, and the output formats."""
