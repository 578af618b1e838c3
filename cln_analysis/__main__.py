"""`python -m cln_analysis` is the same program as `cln-analysis`."""

import sys

from .cli import main

sys.exit(main())
