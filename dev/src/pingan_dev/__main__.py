"""Entry point of `python -m pingan_dev`."""

import sys

from pingan_dev.cli import main

sys.exit(main())
