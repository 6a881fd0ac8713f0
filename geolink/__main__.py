"""``python -m geolink``: the same as the ``geolink`` command."""

import sys

from geolink.cli import main

sys.exit(main())
