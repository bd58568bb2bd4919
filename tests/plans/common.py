"""What the plan tests share: the real framework's ids, the examples, and a writer of valid plans."""

from __future__ import annotations

import os
from pathlib import Path

from tracker.framework import load_framework
from tracker.plans import Plan, load_plan

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
COMMITMENT_IDS = frozenset(c.id for c in FRAMEWORK.commitments)
COUNTRY_CODES = frozenset(c.code for c in FRAMEWORK.countries)
EXAMPLES = ROOT / "examples" / "plans"
EXAMPLE = EXAMPLES / "QN.yaml"  # fictional: Arcadia Minor, a code of the ISO 3166 user-assigned range
EXAMPLE_TITLE = "Arcadia Minor National Plan against Trafficking in Human Beings (fictional example)"


def example_for(code: str) -> str:
    """The fictional example plan, filed under one of the framework's countries for a test of the tracker."""
    return EXAMPLE.read_text(encoding="utf-8").replace("\n  country: QN\n", f"\n  country: {code}\n", 1)


def load(source: str | bytes | os.PathLike[str], **options: str) -> Plan:
    """``load_plan`` against the real framework's commitments and countries."""
    return load_plan(source, commitment_ids=COMMITMENT_IDS, country_codes=COUNTRY_CODES, **options)


def load_fictional(source: str | bytes | os.PathLike[str]) -> Plan:
    """``load_plan`` against the real framework's commitments, for a fictional country the framework lacks."""
    return load_plan(source, commitment_ids=COMMITMENT_IDS, country_codes=None)


def plan_text(activities_per_objective: list[int]) -> tuple[str, dict[tuple[int, int], int]]:
    """A valid draft plan with so many activities per objective, and the line each activity starts on."""
    lines = ["plan:", "  country: AL", "  title: Generated plan", "  status: draft", "  objectives:"]
    starts: dict[tuple[int, int], int] = {}
    for n, count in enumerate(activities_per_objective):
        lines += [f"    - id: obj-{n}", "      title: Objective", "      activities:"]
        for k in range(count):
            starts[n, k] = len(lines) + 1
            lines += [f"        - id: act-{n}-{k}", "          title: A", "          responsible: []"]
            lines += ["          commitments: [PAL-2A]"]
    return "\n".join(lines) + "\n", starts
