"""The plans package is pure Python: importing it must not import Flask, SQLAlchemy or Werkzeug."""

import subprocess
import sys


def test_plans_import_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, tracker.plans, tracker.plans.loader, tracker.plans.export, tracker.plans.quality,"
        " tracker.plans.coverage;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
