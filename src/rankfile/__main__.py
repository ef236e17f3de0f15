import sys

from rankfile.cli import main

sys.exit(main())
