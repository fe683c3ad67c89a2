import sys

from modforge.cli import main

sys.exit(main())
