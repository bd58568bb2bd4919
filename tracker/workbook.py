"""The report as an Excel workbook and back, from plain data: no Flask, no database.

The file travels by e-mail between ministries, so everything read back is checked as the web form
checks it, and every problem names its cell (``Entries!D12: …``). A hidden sheet carries the report
id, country, version and framework version, signed with an HMAC, so a file is only ever read back
into the report and the revision it was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .limits import TEXT_LIMITS
from .uploads import MAX_FILE_BYTES, UploadRefused, _office_refusal

EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
MAX_AMOUNT = 9_223_372_036_854_775_807
MAX_ROWS = 2000  # far more than a report has entries or evidence rows: anything beyond is refused
META_SHEET = "_signature"
ENTRY_COLUMNS = (
    ("entry_id", "Entry id (do not change)"),
    ("code", "Commitment"),
    ("text", "What was undertaken"),
    ("reported_status", "Status"),
    ("narrative", "What was done"),
    ("responsible", "Responsible body"),
    ("start_date", "Started (date)"),
    ("end_date", "Ended or due (date)"),
    ("budget_amount", "Budget (whole number)"),
    ("budget_currency", "Currency (e.g. EUR)"),
)
EVIDENCE_COLUMNS = (
    ("code", "Commitment"),
    ("title", "Document title"),
    ("url", "Link"),
    ("page", "Page"),
    ("quote", "Short quote"),
    ("kind", "What it shows"),
)
FIGURE_COLUMNS = (("code", "Commitment"), ("indicator", "Figure"), ("label", "What it counts"), ("value", "Count"))
STATISTIC_COLUMNS = (
    ("key", "Field"),
    ("measure", "Figure"),
    ("breakdown", "Broken down by"),
    ("category", "Category"),
    ("value", "Count"),
)
PROGRESS_COLUMNS = (
    ("activity", "Activity"),
    ("indicator", "Indicator"),
    ("title", "Activity, or its indicator"),
    ("status", "Status (activity rows)"),
    ("value", "Value (indicator rows)"),
    ("evidence_url", "Evidence link"),
    ("note", "Note"),
)
STATISTICS_SHEET, PROGRESS_SHEET = "Statistics", "Plan progress"
MAX_COUNT = 10_000_000  # tracker.statistics.section.MAX_COUNT: larger than any country's count
MAX_PROGRESS_TEXT = 2000  # tracker.services.plans.MAX_PROGRESS_TEXT
READ_ONLY = {"entry_id", "code", "text"}
_GREY = PatternFill("solid", fgColor="EEEEEE")


@dataclass
class EvidenceRow:
    title: str = ""
    url: str | None = None
    page: str | None = None
    quote: str | None = None
    kind: str | None = None


@dataclass
class EntryRow:
    entry_id: int
    code: str
    text: str = ""
    reported_status: str | None = None
    narrative: str | None = None
    responsible: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_amount: int | None = None
    budget_currency: str | None = None
    evidence: list[EvidenceRow] = field(default_factory=list)
    figures: dict[str, int | None] = field(default_factory=dict)  # indicator id -> count, for the asked ones
    indicator_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class StatisticRow:
    """One number of the victim statistics section (``tracker.statistics.section``)."""

    key: str  # the section's field name: s.<measure> or s.<measure>.<breakdown>.<category>
    measure: str
    breakdown: str
    category: str
    kind: str  # count | yes-no
    value: int | None = None


@dataclass
class ProgressRow:
    """Progress on one activity of the country's accepted National Plan of Action."""

    activity: str
    title: str
    indicators: list[str] = field(default_factory=list)
    status: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # indicator name -> value as typed
    evidence_url: str | None = None
    note: str | None = None

    def compared(self) -> list[object]:
        return [self.status, {k: v for k, v in sorted(self.values.items()) if v}, self.evidence_url, self.note]


@dataclass
class Sheet:
    """What a workbook is made from and read back into."""

    report_id: int | None
    country: str
    version: int
    framework_version: str
    levels: list[tuple[str, str]]  # (id, label)
    kinds: list[tuple[str, str]]
    entries: list[EntryRow]
    statistics: list[StatisticRow] = field(default_factory=list)  # empty: the framework asks for none
    progress: list[ProgressRow] | None = None  # None: the country has no accepted plan
    progress_statuses: list[tuple[str, str]] = field(default_factory=list)


class WorkbookRefused(ValueError):
    """The file cannot be read back at all (not a workbook, wrong report, bad signature)."""


FIELDS = ("reported_status", "narrative", "responsible", "start_date", "end_date", "budget_amount", "budget_currency")


def field_values(entry: EntryRow) -> dict[str, object]:
    """What a save compares and merges, one value per field (evidence as one list)."""
    values: dict[str, object] = {name: getattr(entry, name) for name in FIELDS}
    values["evidence"] = [[e.title, e.url, e.page, e.quote, e.kind] for e in entry.evidence]
    values["figures"] = {k: v for k, v in sorted(entry.figures.items()) if v is not None}
    return values


def _base(sheet: Sheet) -> str:
    """The report as downloaded: the common ancestor a later upload is merged against (entries by id;
    the statistics and the plan progress under names no entry id takes)."""
    base: dict[str, object] = {str(e.entry_id): field_values(e) for e in sheet.entries}
    base["statistics"] = {row.key: row.value for row in sheet.statistics if row.value is not None}
    base["progress"] = {row.activity: row.compared() for row in sheet.progress or ()}
    return json.dumps(base, default=str, sort_keys=True)


def signature(
    key: bytes, report_id: int | None, country: str, version: int, framework_version: str, base: str = ""
) -> str:
    message = json.dumps([report_id, country, version, framework_version, base]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def build(sheet: Sheet, key: bytes) -> bytes:
    """The workbook for ``sheet``: instructions, entries, evidence, and the signed hidden metadata."""
    book = Workbook()
    guide = book.active
    guide.title = "How to fill in"
    lines = [
        f"Report of {sheet.country}"
        + (f" (report {sheet.report_id}, version {sheet.version})" if sheet.report_id else ""),
        "",
        "1. Fill in the sheet 'Entries': one row per commitment. Grey columns cannot be changed.",
        "2. Choose each status from the drop-down list; dates as dates (1990 to 2100); the budget as a whole number.",
        "3. Add documents on the sheet 'Evidence', one row each, naming the commitment in the first column.",
        "4. On 'Statistics' (if present) give each breakdown whole, 0 where there was none, adding up to its total.",
        "5. On 'Plan progress' (if your country's plan is accepted) choose each activity's status on its row,",
        "   and give each indicator's value on the row below it.",
        "6. Type values only: formulas are refused. Save as .xlsx (not a macro-enabled workbook).",
        "7. Upload the file on the report page: you will see every change before anything is saved; the entries,",
        "   the statistics and the plan progress are then saved together, or nothing is.",
        "Uploaded evidence files stay on the web: a row that keeps the file's title or link keeps the file.",
        "If someone saved the report on the web since this file was made, changes that do not collide are kept",
        "and the ones that collide are shown side by side: nothing is overwritten without you seeing it.",
    ]
    if sheet.report_id is None:
        lines[0] = f"Blank workbook for {sheet.country}, to circulate: it cannot be uploaded as a report."
    for n, line in enumerate(lines, start=1):
        guide.cell(row=n, column=1, value=line).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 100
    _printable(guide)

    entries = book.create_sheet("Entries")
    _header(entries, ENTRY_COLUMNS)
    for row, entry in enumerate(sheet.entries, start=2):
        for col, (name, _label) in enumerate(ENTRY_COLUMNS, start=1):
            cell = entries.cell(row=row, column=col, value=getattr(entry, name))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in READ_ONLY:
                cell.fill = _GREY
            else:
                cell.protection = Protection(locked=False)
            if name in ("start_date", "end_date"):
                cell.number_format = "yyyy-mm-dd"
        # rows grow with their text (a spreadsheet draws wrapped text over the next row otherwise)
        lines = max(-(-len(entry.text or "") // 55), -(-len(entry.narrative or "") // 65), 1)
        entries.row_dimensions[row].height = min(15 * lines + 3, 400)
    last = max(len(sheet.entries) + 1, 2)
    status = DataValidation(type="list", formula1='"' + ",".join(i for i, _ in sheet.levels) + '"', allow_blank=True)
    status.error, status.errorTitle = "Choose one of the listed statuses.", "Status"
    status.add(f"D2:D{last}")
    dates = DataValidation(type="date", operator="between", formula1="32874", formula2="73415", allow_blank=True)
    dates.error = "Enter a date between 1990 and 2100."
    dates.add(f"G2:H{last}")
    budget = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_AMOUNT), allow_blank=True)
    budget.add(f"I2:I{last}")
    currency = DataValidation(type="textLength", operator="equal", formula1="3", allow_blank=True)
    currency.add(f"J2:J{last}")
    for name, limit_col in (("narrative", "E"), ("responsible", "F")):
        limit = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(TEXT_LIMITS["entry"][name]), allow_blank=True
        )
        limit.add(f"{limit_col}2:{limit_col}{last}")
        entries.add_data_validation(limit)
    for validation in (status, dates, budget, currency):
        entries.add_data_validation(validation)
    entries.protection.sheet = True
    entries.protection.formatColumns = False
    _widths(entries, (10, 13, 50, 18, 60, 28, 12, 12, 12, 10))

    evidence = book.create_sheet("Evidence")
    _header(evidence, EVIDENCE_COLUMNS)
    n = 2
    for entry in sheet.entries:
        for item in entry.evidence:
            for col, (name, _label) in enumerate(EVIDENCE_COLUMNS, start=1):
                evidence.cell(row=n, column=col, value=entry.code if name == "code" else getattr(item, name))
            n += 1
    codes = DataValidation(type="list", formula1=f"=Entries!$B$2:$B${last}", allow_blank=True)
    codes.add("A2:A500")
    evidence.add_data_validation(codes)
    if sheet.kinds:
        kinds = DataValidation(type="list", formula1='"' + ",".join(i for i, _ in sheet.kinds) + '"', allow_blank=True)
        kinds.add("F2:F500")
        evidence.add_data_validation(kinds)
    _widths(evidence, (12, 40, 40, 8, 50, 18))

    figures = book.create_sheet("Figures")
    _header(figures, FIGURE_COLUMNS)
    n = 2
    for entry in sheet.entries:
        for indicator, label in entry.indicator_labels.items():
            values_ = (entry.code, indicator, label, entry.figures.get(indicator))
            for col, value in enumerate(values_, start=1):
                cell = figures.cell(row=n, column=col, value=value)
                if col < 4:
                    cell.fill = _GREY
                else:
                    cell.protection = Protection(locked=False)
            n += 1
    counts = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_AMOUNT), allow_blank=True)
    counts.add(f"D2:D{max(n - 1, 2)}")
    figures.add_data_validation(counts)
    figures.protection.sheet = True
    _widths(figures, (12, 28, 60, 14))

    if sheet.statistics:
        _statistics_sheet(book, sheet)
    if sheet.progress is not None:
        _progress_sheet(book, sheet)

    levels = book.create_sheet("Statuses")
    levels.append(["Status", "Meaning"])
    for level in sheet.levels:
        levels.append(list(level))
    _widths(levels, (18, 60))

    meta = book.create_sheet(META_SHEET)
    values = [sheet.report_id, sheet.country, sheet.version, sheet.framework_version]
    for n, (label, value) in enumerate(
        zip(("report", "country", "version", "framework"), values, strict=False), start=1
    ):
        meta.cell(row=n, column=1, value=label)
        meta.cell(row=n, column=2, value=value)
    base = _base(sheet)
    meta.cell(row=5, column=1, value="signature")
    meta.cell(row=5, column=2, value=signature(key, *values, base))
    meta.cell(row=6, column=1, value="base")
    meta.cell(row=6, column=2, value=base)
    meta.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _statistics_sheet(book, sheet: Sheet) -> None:  # type: ignore[no-untyped-def]
    """The victim statistics section: a breakdown is given whole and adds up to its total."""
    stats = book.create_sheet(STATISTICS_SHEET)
    _header(stats, STATISTIC_COLUMNS)
    for n, row in enumerate(sheet.statistics, start=2):
        for col, (name, _label) in enumerate(STATISTIC_COLUMNS, start=1):
            cell = stats.cell(row=n, column=col, value=getattr(row, name))
            if name == "value":
                cell.protection = Protection(locked=False)
            else:
                cell.fill = _GREY
    last = len(sheet.statistics) + 1
    counts = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_COUNT), allow_blank=True)
    counts.error = f"A count is a whole number from 0 to {MAX_COUNT:,}; 1 means yes and 0 no."
    counts.add(f"E2:E{last}")
    stats.add_data_validation(counts)
    stats.protection.sheet = True
    stats.protection.formatColumns = False
    _widths(stats, (44, 30, 22, 28, 12))


def progress_rows(sheet: Sheet) -> dict[str, int]:
    """The row of each activity on the plan progress sheet (its indicators follow it)."""
    rows, n = {}, 2
    for row in sheet.progress or ():
        rows[row.activity] = n
        n += 1 + len(row.indicators)
    return rows


def _progress_sheet(book, sheet: Sheet) -> None:  # type: ignore[no-untyped-def]
    """Progress on each activity of the accepted plan: a status per activity, a value per indicator."""
    progress = book.create_sheet(PROGRESS_SHEET)
    _header(progress, PROGRESS_COLUMNS)
    n = 2
    status_cells, value_cells = [], []
    for row in sheet.progress or ():
        lines = [(row.title, "", {"status": row.status, "evidence_url": row.evidence_url, "note": row.note})]
        lines += [(f"Indicator: {name}", name, {"value": row.values.get(name)}) for name in row.indicators]
        for title, indicator, editable in lines:
            values_ = {"activity": row.activity, "indicator": indicator, "title": title, **editable}
            for col, (name, _label) in enumerate(PROGRESS_COLUMNS, start=1):
                cell = progress.cell(row=n, column=col, value=values_.get(name))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if name in editable:
                    cell.protection = Protection(locked=False)
                else:
                    cell.fill = _GREY
            (value_cells if indicator else status_cells).append(n)
            lines = max(-(-len(title) // 50), -(-len(indicator) // 20), -(-len(editable.get("note") or "") // 40), 1)
            progress.row_dimensions[n].height = min(15 * lines + 3, 400)  # wrapped text needs its height
            n += 1
    statuses = DataValidation(
        type="list", formula1='"' + ",".join(i for i, _ in sheet.progress_statuses) + '"', allow_blank=True
    )
    statuses.error = "Choose one of the listed statuses."
    for number in status_cells:
        statuses.add(f"D{number}")
    progress.add_data_validation(statuses)
    progress.protection.sheet = True
    progress.protection.formatColumns = False
    _widths(progress, (12, 22, 50, 16, 20, 40, 40))


def _header(sheet, columns) -> None:  # type: ignore[no-untyped-def]
    for col, (_name, label) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 45
    _printable(sheet)


def _printable(sheet) -> None:  # type: ignore[no-untyped-def]
    """Printed or turned into a PDF, a sheet is landscape and as wide as the page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _widths(sheet, widths) -> None:  # type: ignore[no-untyped-def]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


@dataclass
class Parsed:
    report_id: int
    country: str
    version: int
    framework_version: str
    entries: dict[int, EntryRow]
    problems: list[str]
    base: dict[str, dict[str, object]]  # entry id -> field values as downloaded (JSON: dates as text)
    statistics: dict[str, int] = field(default_factory=dict)  # field name -> count (blank: not given)
    progress: dict[str, ProgressRow] = field(default_factory=dict)  # activity id -> what the sheet says


def parse(data: bytes, key: bytes, *, expected: Sheet | Callable[[int], Sheet]) -> Parsed:
    """Read a workbook back for ``expected`` (the report as stored now): every problem at its cell.

    ``expected`` may be a function of the signed report id (the command line learns it from the file).

    Raises WorkbookRefused when the file is not safe, not signed or not this report's.
    """
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(f"The workbook is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    refusal = _office_refusal("ooxml", data)
    if refusal:
        raise WorkbookRefused("The workbook " + refusal.replace("{kind}", "an Excel") + ".")
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        if "xl/workbook.xml" not in names or any(n.startswith("xl/externalLinks/") for n in names):
            raise WorkbookRefused("The workbook links to other files or is not an Excel workbook (.xlsx).")
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkbookRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused("The file is not an Excel workbook (.xlsx) we can read.") from error
    if META_SHEET not in values.sheetnames:
        raise WorkbookRefused("The workbook was not made by the tracker: download it from the report page.")
    missing = [name for name in ("Entries", "Evidence", "Figures") if name not in values.sheetnames]
    if missing:
        raise WorkbookRefused(f"The sheet '{missing[0]}' is missing: put it back or download the workbook again.")
    meta = {row[0]: row[1] for row in values[META_SHEET].iter_rows(min_row=1, max_row=6, max_col=2, values_only=True)}
    try:
        report_id, version = int(meta.get("report")), int(meta.get("version"))  # type: ignore[arg-type]
        country, framework_version = str(meta["country"]), str(meta["framework"])
        signed, base = str(meta["signature"]), str(meta.get("base") or "")
    except (KeyError, TypeError, ValueError) as error:
        raise WorkbookRefused("The workbook's signature is missing: download it again from the report page.") from error
    if not hmac.compare_digest(signed, signature(key, report_id, country, version, framework_version, base)):
        raise WorkbookRefused("The workbook's signature does not match: it was changed or not made by the tracker.")
    if callable(expected):
        expected = expected(report_id)
    if report_id != expected.report_id or country != expected.country:
        raise WorkbookRefused(f"The workbook is for another report (report {report_id} of {country}).")
    if framework_version != expected.framework_version:
        raise WorkbookRefused("The workbook was made for another version of the framework.")
    problems: list[str] = []
    entries = _read_entries(values["Entries"], formulas["Entries"], expected, problems)
    _read_evidence(values["Evidence"], formulas["Evidence"], expected, entries, problems)
    _read_figures(values["Figures"], formulas["Figures"], expected, entries, problems)
    parsed = Parsed(report_id, country, version, framework_version, entries, problems, json.loads(base or "{}"))
    for name, present in (
        (STATISTICS_SHEET, bool(expected.statistics)),
        (PROGRESS_SHEET, expected.progress is not None),
    ):
        if present and name not in values.sheetnames:
            raise WorkbookRefused(f"The sheet '{name}' is missing: put it back or download the workbook again.")
    if expected.statistics:
        parsed.statistics = _read_statistics(values[STATISTICS_SHEET], formulas[STATISTICS_SHEET], expected, problems)
    if expected.progress is not None:
        parsed.progress = _read_progress(values[PROGRESS_SHEET], formulas[PROGRESS_SHEET], expected, problems)
    return parsed


def _rows(values, formulas, sheet_name, width, problems):  # type: ignore[no-untyped-def]
    """Data rows (from row 2) as cell values, refusing formulas and oversized sheets."""
    if (values.max_row or 0) > MAX_ROWS or (values.max_column or 0) > 50:
        problems.append(f"{sheet_name}: the sheet is larger than a report can be ({MAX_ROWS} rows at most).")
        return []
    rows = []
    for (n, raw), typed in zip(
        enumerate(values.iter_rows(min_row=2, max_col=width, values_only=True), start=2),
        formulas.iter_rows(min_row=2, max_col=width, values_only=True),
        strict=False,
    ):
        bad = [get_column_letter(c) for c, v in enumerate(typed, start=1) if isinstance(v, str) and v.startswith("=")]
        for letter in bad:
            problems.append(f"{sheet_name}!{letter}{n}: a formula, where a value is expected: type the value itself.")
        if bad:
            continue
        if any(v not in (None, "") for v in raw):
            rows.append((n, raw))
    return rows


def _text(value, where, limit, problems):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime, bool)):
        problems.append(f"{where}: text is expected here.")
        return None
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
    if len(text) > limit:
        problems.append(f"{where}: {len(text):,} characters, more than the {limit:,} this field holds.")
        return None
    return text or None


def _date(value, where, problems):  # type: ignore[no-untyped-def]
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            problems.append(f'{where}: "{value[:40]}" is not a date (use 2003-06-30).')
            return None
    if not isinstance(value, dt.date):
        problems.append(f"{where}: a date is expected here.")
        return None
    if not EARLIEST <= value <= LATEST:
        problems.append(f"{where}: {value.isoformat()} is not between 1990 and 2100.")
        return None
    return value


def _read_entries(values, formulas, expected: Sheet, problems: list[str]) -> dict[int, EntryRow]:
    known = {e.entry_id: e for e in expected.entries}
    levels = {i for i, _ in expected.levels}
    limits = TEXT_LIMITS["entry"]
    read: dict[int, EntryRow] = {}
    for n, raw in _rows(values, formulas, "Entries", len(ENTRY_COLUMNS), problems):
        cells = dict(zip((name for name, _ in ENTRY_COLUMNS), raw, strict=False))
        at = {name: f"Entries!{get_column_letter(c)}{n}" for c, (name, _) in enumerate(ENTRY_COLUMNS, start=1)}
        entry_id = cells["entry_id"]
        if not isinstance(entry_id, int) or entry_id not in known or entry_id in read:
            problems.append(f"{at['entry_id']}: this row is not an entry of this report (do not change column A).")
            continue
        row = EntryRow(entry_id=entry_id, code=known[entry_id].code, text=known[entry_id].text)
        status = _text(cells["reported_status"], at["reported_status"], limits["reported_status"], problems)
        if status is not None and status not in levels:
            allowed = ", ".join(i for i, _ in expected.levels)
            problems.append(f'{at["reported_status"]}: status "{status}" is not one of {allowed}.')
        else:
            row.reported_status = status
        row.narrative = _text(cells["narrative"], at["narrative"], limits["narrative"], problems)
        row.responsible = _text(cells["responsible"], at["responsible"], limits["responsible"], problems)
        row.start_date = _date(cells["start_date"], at["start_date"], problems)
        row.end_date = _date(cells["end_date"], at["end_date"], problems)
        if row.start_date and row.end_date and row.end_date < row.start_date:
            problems.append(f"{at['end_date']}: the end cannot come before the start.")
        budget = cells["budget_amount"]
        if budget not in (None, ""):
            if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget != int(budget):
                problems.append(f"{at['budget_amount']}: the budget is a whole number.")
            elif not 0 <= budget <= MAX_AMOUNT:
                problems.append(f"{at['budget_amount']}: the budget is between 0 and {MAX_AMOUNT:,}.")
            else:
                row.budget_amount = int(budget)
        currency = _text(cells["budget_currency"], at["budget_currency"], 3, problems)
        if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            problems.append(f"{at['budget_currency']}: use a three-letter code, e.g. EUR.")
        else:
            row.budget_currency = currency.upper() if currency else None
        read[entry_id] = row
    return read


def _read_evidence(values, formulas, expected: Sheet, entries: dict[int, EntryRow], problems: list[str]) -> None:
    by_code = {e.code: e for e in entries.values()}
    kinds = {i for i, _ in expected.kinds}
    limits = TEXT_LIMITS["evidence"]
    for n, raw in _rows(values, formulas, "Evidence", len(EVIDENCE_COLUMNS), problems):
        cells = dict(zip((name for name, _ in EVIDENCE_COLUMNS), raw, strict=False))
        at = {name: f"Evidence!{get_column_letter(c)}{n}" for c, (name, _) in enumerate(EVIDENCE_COLUMNS, start=1)}
        entry = by_code.get(str(cells["code"] or "").strip())
        if entry is None:
            problems.append(f'{at["code"]}: "{str(cells["code"] or "")[:40]}" is not a commitment of this report.')
            continue
        item = EvidenceRow(
            title=_text(cells["title"], at["title"], limits["title"], problems) or "",
            url=_text(cells["url"], at["url"], limits["url"], problems),
            page=_text(cells["page"], at["page"], limits["page"], problems),
            quote=_text(cells["quote"], at["quote"], limits["quote"], problems),
        )
        if item.url and not item.url.lower().startswith(("https://", "http://")):
            problems.append(f"{at['url']}: enter a full web address (https://…).")
        if not item.title:
            problems.append(f"{at['title']}: give the document a title.")
        kind = _text(cells["kind"], at["kind"], 64, problems)
        if kind and kind not in kinds:
            problems.append(
                f'{at["kind"]}: "{kind}" is not one of {", ".join(i for i, _ in expected.kinds) or "(no kinds)"}.'
            )
        item.kind = kind if kind in kinds else None
        entry.evidence.append(item)


def _read_figures(values, formulas, expected: Sheet, entries: dict[int, EntryRow], problems: list[str]) -> None:
    by_code = {e.code: e for e in entries.values()}
    asked = {(e.code, i) for e in expected.entries for i in e.indicator_labels}
    for n, raw in _rows(values, formulas, "Figures", len(FIGURE_COLUMNS), problems):
        code, indicator, _label, value = raw
        if (code, indicator) not in asked or code not in by_code:
            problems.append(f"Figures!A{n}: this row is not a figure this report asks for (do not change columns A-C).")
            continue
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            problems.append(f"Figures!D{n}: a count is a whole number.")
        elif not 0 <= value <= MAX_AMOUNT:
            problems.append(f"Figures!D{n}: a count is between 0 and {MAX_AMOUNT:,}.")
        else:
            by_code[code].figures[indicator] = int(value)


def _read_statistics(values, formulas, expected: Sheet, problems: list[str]) -> dict[str, int]:
    known = {row.key: row for row in expected.statistics}
    read: dict[str, int] = {}
    for n, raw in _rows(values, formulas, STATISTICS_SHEET, len(STATISTIC_COLUMNS), problems):
        key, value = raw[0], raw[-1]
        row = known.get(key) if isinstance(key, str) else None
        if row is None or key in read:
            problems.append(f"{STATISTICS_SHEET}!A{n}: this row is not a figure of the section (do not change A-D).")
            continue
        if value in (None, ""):
            continue
        top = 1 if row.kind == "yes-no" else MAX_COUNT
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            problems.append(
                f"{STATISTICS_SHEET}!E{n}: a count is a whole number" + (" (1 yes, 0 no)." if top == 1 else ".")
            )
        elif not 0 <= value <= top:
            problems.append(f"{STATISTICS_SHEET}!E{n}: {row.category or row.measure} is between 0 and {top:,}.")
        else:
            read[key] = int(value)
    return read


def _read_progress(values, formulas, expected: Sheet, problems: list[str]) -> dict[str, ProgressRow]:
    known = {row.activity: row for row in expected.progress or ()}
    statuses = {i for i, _ in expected.progress_statuses}
    read: dict[str, ProgressRow] = {}
    seen: set[tuple[str, str]] = set()
    for n, raw in _rows(values, formulas, PROGRESS_SHEET, len(PROGRESS_COLUMNS), problems):
        cells = dict(zip((name for name, _ in PROGRESS_COLUMNS), raw, strict=False))
        activity, indicator = cells["activity"], cells["indicator"] or ""
        row = known.get(activity) if isinstance(activity, str) else None
        if row is None or (indicator and indicator not in row.indicators) or (activity, indicator) in seen:
            problems.append(f"{PROGRESS_SHEET}!A{n}: this row is not an activity of the plan (do not change A-C).")
            continue
        seen.add((activity, indicator))
        given = read.setdefault(activity, ProgressRow(activity, row.title, list(row.indicators)))
        if indicator:
            value = _text(cells["value"], f"{PROGRESS_SHEET}!E{n}", MAX_PROGRESS_TEXT, problems)
            if value:
                given.values[indicator] = value
            continue
        status = _text(cells["status"], f"{PROGRESS_SHEET}!D{n}", 64, problems)
        if status and status not in statuses:
            problems.append(f'{PROGRESS_SHEET}!D{n}: status "{status}" is not one of {", ".join(sorted(statuses))}.')
        else:
            given.status = status
        given.evidence_url = _text(cells["evidence_url"], f"{PROGRESS_SHEET}!F{n}", MAX_PROGRESS_TEXT, problems)
        if given.evidence_url and not given.evidence_url.lower().startswith(("https://", "http://")):
            problems.append(f"{PROGRESS_SHEET}!F{n}: enter a full web address (https://…).")
        given.note = _text(cells["note"], f"{PROGRESS_SHEET}!G{n}", MAX_PROGRESS_TEXT, problems)
    return read


__all__ = [
    "Sheet",
    "EntryRow",
    "EvidenceRow",
    "StatisticRow",
    "ProgressRow",
    "Parsed",
    "WorkbookRefused",
    "UploadRefused",
    "build",
    "parse",
]
