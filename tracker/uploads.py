"""Evidence files: an extension allow-list, a check of the content itself, and storage outside static/.

A file is accepted only when its extension is allowed *and* its first bytes are what that kind of
file starts with, so a script renamed ``report.pdf`` is refused. It is stored under a random name
in the upload folder (never under ``static/``) and served only as a download to people who may see
the report it belongs to.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Response, abort, current_app, send_file

if TYPE_CHECKING:
    from .models import Evidence

MAX_FILE_BYTES = 10 * 1024 * 1024

# extension -> (content type, check of the content)
ALLOWED = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "txt": ("text/plain; charset=utf-8", "text"),
    "csv": ("text/csv; charset=utf-8", "text"),
}


class UploadRefused(ValueError):
    """The file cannot be kept; the message says why, for the person who chose it."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    file_name: str
    content_type: str
    size_bytes: int


def _content_is(kind: str, data: bytes) -> bool:
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if kind in ("ooxml", "odf"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names if kind == "ooxml" else "mimetype" in names
    if kind == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text
    return False


def safe_file_name(name: str) -> str:
    """The uploaded name without folders or control characters, for the download's name only."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return cleaned[-255:] or "evidence"


def store(folder: Path, file_name: str, data: bytes) -> StoredFile:
    """Check and store one file; raises UploadRefused with a message for the person."""
    name = safe_file_name(file_name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        allowed = ", ".join(sorted({e.upper() for e in ALLOWED}))
        raise UploadRefused(f"“{name}” is not a kind of file we accept. Use one of: {allowed}.")
    if not data:
        raise UploadRefused(f"“{name}” is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(f"“{name}” is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    content_type, kind = ALLOWED[extension]
    if not _content_is(kind, data):
        raise UploadRefused(f"“{name}” does not contain what a .{extension} file should.")
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    (folder / stored_name).write_bytes(data)
    return StoredFile(stored_name, name, content_type, len(data))


def path_of(folder: Path, stored_name: str) -> Path:
    """Where a stored file is; the name is ours (hex), never a path someone sent."""
    if not stored_name or not all(ch in "0123456789abcdef" for ch in stored_name):
        raise FileNotFoundError(stored_name)
    return folder / stored_name


def send_evidence(item: Evidence | None) -> Response:
    """An evidence file as a download (never shown inline), or 404 when there is none on disk.
    The caller has already decided that the person may see it."""
    if item is None or item.stored_name is None:
        abort(404)
    try:
        path = path_of(Path(current_app.config["UPLOAD_DIR"]), item.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=item.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=item.file_name or "evidence",
        max_age=0,
    )
