"""The commitment framework as data: YAML files validated into frozen, typed objects.

Pure Python (PyYAML and pydantic only): the CLI, the app, the scoring engine and the tests all
read the framework through ``load_framework``.
"""

from .codes import fictional
from .loader import FrameworkError, load_framework, validate_framework
from .model import Framework
from .textyaml import Problem

__all__ = ["Framework", "FrameworkError", "Problem", "fictional", "load_framework", "validate_framework"]
