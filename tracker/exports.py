"""CSV downloads, streamed, one way for every page that offers one."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

# What a spreadsheet reads as the start of a formula, the full-width forms included (＝ ＋ － ＠:
# some spreadsheets fold them to = + - @), and the ways leading space or controls hide one.
FORMULA_STARTS = (
    *("=", "+", "-", "@", "\t", "\r", "\n"),
    *("\uff1d", "\uff0b", "\uff0d", "\uff20"),  # full-width ＝ ＋ － ＠
    *("\u2212", "\ufe62", "\ufe63"),  # minus sign, small plus and small hyphen-minus
)


def csv_cell(value: Any) -> Any:
    """Empty for None; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):  # the same spelling as in JSON
        return "true" if value else "false"
    if isinstance(value, str) and value.lstrip(" \u00a0\u3000").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """The same table as csv_response gives, as an Excel workbook, marked the same way."""
    from .installation import demonstration, demonstration_name

    if demonstration() and "demonstration" not in header:
        header, rows = [*header, "demonstration"], ((*row, True) for row in rows)
    response = Response(tables_workbook({"Table": (header, rows)}), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{demonstration_name(filename)}"'
    return response


def tables_workbook(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Tables as sheets of one workbook: every text cell is stored as text, so none is ever a
    formula (openpyxl would write "=…" as one), as csv_cell keeps the CSVs safe."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([_xlsx_cell(sheet, value) for value in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    cell = WriteOnlyCell(sheet, value=None)
    cell._value, cell.data_type = str(value), "s"  # text, never parsed as a formula
    return cell


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A CSV attachment, written out in chunks as it is sent; marked while the installation holds
    demonstration data (a ``demonstration`` column, a ``demonstration-`` file name).

    The rows are read before the response starts: a server-side cursor must not outlive the
    request's transaction (PostgreSQL closes it), and even at the stress scale they are a few MB.
    """
    from .installation import demonstration, demonstration_name

    if demonstration() and "demonstration" not in header:  # every row of every CSV says so (README)
        header, rows = [*header, "demonstration"], ((*row, True) for row in rows)
    filename = demonstration_name(filename)
    rows = [tuple(row) for row in rows]

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(csv_cell(value) for value in row)
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
