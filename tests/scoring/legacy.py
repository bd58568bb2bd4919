"""The first scoring method (``data/methodology-v1.yaml``, as committed before method 2), loaded
through today's schema: what every framework version stored before method 2 scores with."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tracker.framework import Framework, load_framework

ROOT = Path(__file__).resolve().parents[2]
V1 = Path(__file__).parent / "data" / "methodology-v1.yaml"
# the fields method 2 added to the methodology; a document stored before it has none of them
NEW_METHOD_FIELDS = ("version", "coverage")


def legacy_framework() -> Framework:
    """Today's commitments scored with method 1."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "commitments"
        shutil.copytree(ROOT / "commitments", directory)
        shutil.copy(V1, directory / "methodology.yaml")
        return load_framework(directory)


def stored_before_method_2(framework: Framework) -> dict:
    """A framework document as a version stored before method 2 holds it: no method-2 keys at all."""
    document = framework.to_document()
    method = document["methodology"]
    for key in NEW_METHOD_FIELDS:
        method.pop(key, None)
    method["carry_forward"].pop("max_cycles", None)
    for level in method["status_levels"]:
        level.pop("counts", None)
    method["evidence"].pop("kinds", None)
    method["evidence"].pop("requirements", None)
    for negative in method["negative_indicators"]:
        negative.pop("trigger", None)
    return document
