"""The framework package is pure Python: importing it must not import Flask or SQLAlchemy."""

import subprocess
import sys


def test_framework_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, tracker.framework, tracker.framework.loader;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
