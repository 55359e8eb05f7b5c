"""``manage.py`` for subprocess tests: installs stand-ins for intake modules not written yet."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsbote.settings")
    import django

    django.setup()
    from amtsbote.intake.tests.stand_ins import install_if_missing

    install_if_missing()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
