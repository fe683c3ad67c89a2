"""Run modforge's migrations inside `copier update` (see `_migrations` in copier.yml).

copier runs this file with its own Python (`_copier_python`) from its checkout of the template version
being updated to, with the module folder as the working directory. The code that migrates is that
checkout's `src/modforge`, so a user needs nothing installed but copier and copier-template-extensions
(in a regular install the template sits inside the package, `modforge/_template/`: then that package).

Usage: python migrations/run.py --stage after --from 0.1.0 --to 0.2.0
"""

import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
CHECKOUT_CODE = TEMPLATE / "src"
sys.path.insert(0, str(CHECKOUT_CODE if (CHECKOUT_CODE / "modforge").is_dir() else TEMPLATE.parent.parent))

from modforge.lifecycle.migration import copier_main  # noqa: E402  (needs the path above)

sys.exit(copier_main(sys.argv[1:], TEMPLATE))
