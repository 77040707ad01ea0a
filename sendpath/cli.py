"""The `sendpath` console script: a thin wrapper over Django's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendpath.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sendpath", *sys.argv[1:]])


if __name__ == "__main__":
    main()
