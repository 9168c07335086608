"""``python -m lia_desktop.devstack start ...``, the same as the ``lia-devstack`` script."""

import sys

from .cli import main

sys.exit(main())
