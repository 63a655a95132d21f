"""`python -m kcsac` starts the app (or runs a subcommand)."""

from kcsac.app import main

raise SystemExit(main())
