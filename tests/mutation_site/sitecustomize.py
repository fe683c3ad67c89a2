"""Loaded at start-up by the Python processes the tests start, under mutation testing only (tests/conftest.py puts
this folder on their PYTHONPATH): while mutmut records which tests call which function ("stats"), a `modforge`,
`copier` or migration process records its calls too, into MODFORGE_MUTATION_STATS, which the test's own process
adds to mutmut's record. Without it, code that only a started process runs would count as tested by nothing."""

import os

if os.environ.get("MUTANT_UNDER_TEST") == "stats" and os.environ.get("MODFORGE_MUTATION_STATS"):
    import atexit

    from mutmut import configuration
    from mutmut.state import state

    _here = os.getcwd()
    os.chdir(os.environ["MODFORGE_MUTATION_ROOT"])  # mutmut reads its configuration from the checkout
    try:
        configuration.config()
    finally:
        os.chdir(_here)

    def _save_calls() -> None:
        if state()._stats:
            path = os.path.join(os.environ["MODFORGE_MUTATION_STATS"], f"{os.getpid()}.calls")
            with open(path, "w", encoding="utf-8") as calls:
                calls.write("\n".join(sorted(state()._stats)))

    atexit.register(_save_calls)
