"""Write a plan back as YAML in the layout of the example files, every value double-quoted.

Quoting everything means no value can be read back as something else (``NO``, ``1:30``, ``#``, a
leading ``*``): ``load_plan(dump_plan(plan)) == plan``. The output depends only on the plan, so the
same plan always gives the same text. No text of the plan goes into the header comment, where a line
break could turn it into YAML.
"""

from __future__ import annotations

from .schema import Activity, Plan

_NAMED_ESCAPES = {"\0": "0", "\t": "t", "\n": "n", "\r": "r", '"': '"', "\\": "\\"}
_LINE_BREAKS_AND_BOM = {0x2028, 0x2029, 0xFEFF}  # printable, but YAML folds or drops them


def _raw(code: int) -> bool:
    """Whether a character may be written as it is: what PyYAML's reader calls printable, less the above."""
    printable = 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800 or 0xE000 <= code < 0xFFFE or code >= 0x10000
    return printable and code not in _LINE_BREAKS_AND_BOM


def _quote(text: str) -> str:
    """A YAML double-quoted scalar: escape what the YAML reader would refuse, or fold as a line break."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _NAMED_ESCAPES:
            out.append("\\" + _NAMED_ESCAPES[ch])
        elif _raw(code):
            out.append(ch)
        else:
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")  # the rest are printable
    out.append('"')
    return "".join(out)


def dump_plan(plan: Plan) -> str:
    """The plan as YAML text that ``load_plan`` reads back into an equal plan."""
    out = _Writer(
        f"# National Plan of Action for {plan.country}, written by Commitment Tracker.",
        "# Every value is quoted so that it reads back exactly as written.",
        "plan:",
    )
    out.scalar(2, "country", plan.country)
    out.scalar(2, "title", plan.title)
    out.scalar(2, "status", plan.status)
    out.scalar(2, "adopted", plan.adopted)
    if plan.period:
        out.line(2, "period:")
        out.scalar(4, "start", plan.period.start)
        out.scalar(4, "end", plan.period.end)
    out.scalar(2, "document_url", plan.document_url)
    out.scalar(2, "summary", plan.summary)
    out.line(2, "objectives:")
    for objective in plan.objectives:
        out.line(4, f"- id: {_quote(objective.id)}")
        out.scalar(6, "title", objective.title)
        out.line(6, "activities:")
        for activity in objective.activities:
            _write_activity(out, activity)
    return out.text()


class _Writer:
    def __init__(self, *lines: str):
        self.lines = list(lines)

    def line(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def scalar(self, indent: int, key: str, value: str | int | None) -> None:
        """``key: "value"``, or nothing for a value the plan leaves out."""
        if value is not None:
            self.line(indent, f"{key}: {_quote(str(value))}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _write_activity(out: _Writer, activity: Activity) -> None:
    # empty lists are written out: "responsible: []" shows the gap the quality check reports
    out.line(8, f"- id: {_quote(activity.id)}")
    out.scalar(10, "title", activity.title)
    out.scalar(10, "description", activity.description)
    out.line(10, "responsible:" + ("" if activity.responsible else " []"))
    for body in activity.responsible:
        out.line(12, f"- {_quote(body)}")
    out.scalar(10, "deadline", activity.deadline)
    out.scalar(10, "timetable", activity.timetable)
    if activity.budget:
        out.line(10, "budget:")
        out.scalar(12, "amount", activity.budget.amount)
        out.scalar(12, "currency", activity.budget.currency)
    out.scalar(10, "funding_source", activity.funding_source)
    out.line(10, "indicators:" + ("" if activity.indicators else " []"))
    for indicator in activity.indicators:
        out.line(12, f"- name: {_quote(indicator.name)}")
        out.scalar(14, "unit", indicator.unit)
        out.scalar(14, "baseline", indicator.baseline)
        out.scalar(14, "target", indicator.target)
        if indicator.counts_victims:
            out.scalar(14, "counts_victims", "true")
    out.line(10, f"commitments: [{', '.join(_quote(c) for c in activity.commitments)}]")
