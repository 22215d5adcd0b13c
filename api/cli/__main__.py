"""``python -m api.cli``: the ``callqa`` command line."""

from api.cli import main

main()
