import sys

from manage_secrets.cli import main

sys.exit(main())
