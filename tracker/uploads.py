"""Evidence files: an extension allow-list, a check of the content itself, and storage outside static/.

A file is accepted only when its extension is allowed *and* its content is what that kind of file
holds: its first bytes, and then the rest of it. A PDF or an image may not carry HTML or script
anywhere (a polyglot opens as a web page elsewhere); an office file is opened as the zip it is and
refused when it would unpack to too much (a zip bomb), holds macros, or links to outside content
that office software would fetch. It is stored under a random name in the upload folder (never
under ``static/``) and served only as a download to people who may see the report it belongs to.
"""

from __future__ import annotations

import io
import os
import re
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
    "txt": ("text/plain; charset=utf-8", "text"),  # sent with the charset once (send_evidence)
    "csv": ("text/csv; charset=utf-8", "text"),
}

# An office file may unpack to at most this much, at most this many times its size, in so many parts.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5000
# markers of a web page or script: none belongs in a PDF or an image
_MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|!doctype|body|iframe|object|embed|meta|xml-stylesheet)\b|javascript:", re.I
)
# parts that carry macros (VBA in OOXML, Basic and scripts in OpenDocument)
_MACRO_PART = re.compile(r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml)$|^(?:Basic|Scripts)/|(?:^|/)macrosheets/", re.I)
_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.I)
_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject", re.I)


class UploadRefused(ValueError):
    """The file cannot be kept; the message says why, for the person who chose it."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    file_name: str
    content_type: str
    size_bytes: int


def _refusal(kind: str, data: bytes) -> str | None:
    """Why the content is not a safe file of this kind (None: it is)."""
    if kind in ("pdf", "png", "jpeg"):
        starts = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}[kind]
        if not data.startswith(starts):
            return "does not contain what {kind} file should"
        if _MARKUP.search(data):
            return "also contains web page or script markup, which we do not accept in {kind} file"
        return None
    if kind in ("ooxml", "odf"):
        return _office_refusal(kind, data)
    if kind == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return "does not contain what {kind} file should (UTF-8 text)"
        return "does not contain what {kind} file should (it holds a NUL byte)" if "\x00" in text else None
    return "is not a kind of file we accept"


def _office_refusal(kind: str, data: bytes) -> str | None:
    """An office document is a zip: refuse a bomb, macros and links to outside content."""
    if not data.startswith(b"PK\x03\x04"):
        return "does not contain what {kind} file should"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "does not contain what {kind} file should"
    names = {member.filename for member in members}
    if ("[Content_Types].xml" if kind == "ooxml" else "mimetype") not in names:
        return "does not contain what {kind} file should"
    if len(members) > MAX_MEMBERS:
        return f"holds more than {MAX_MEMBERS} parts"
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(len(data), 1):
        return f"would unpack to {unpacked:,} bytes, more than we accept (at most {MAX_RATIO} times its size)"
    if any(member.file_size > MAX_RATIO * max(member.compress_size, 1) + 4096 for member in members):
        return "holds a part compressed more than any document is (a zip bomb)"
    if any(_MACRO_PART.search(name) for name in names):
        return "holds macros; save it without them (e.g. as .docx or .xlsx, not a macro-enabled file)"
    try:
        for member in members:
            if member.filename.endswith((".rels", ".xml")) and member.file_size <= MAX_UNPACKED_BYTES:
                with archive.open(member) as part:
                    content = part.read(MAX_UNPACKED_BYTES + 1)
                if member.filename.endswith(".rels") and _EXTERNAL.search(content):
                    return "links to content outside the file, which office software would fetch; remove the link"
                if member.filename == "[Content_Types].xml" and _MACRO_TYPES.search(content):
                    return "holds macros; save it without them"
    except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError, NotImplementedError):
        return "is damaged or encrypted"
    return None


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
    refusal = _refusal(kind, data)
    if refusal is not None:
        raise UploadRefused(f"“{name}” " + refusal.format(kind=f"a .{extension}") + ".")
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
    # werkzeug adds "; charset=utf-8" to text types itself: once (older rows stored it in the type)
    mimetype = (item.content_type or "application/octet-stream").split(";", 1)[0].strip()
    return send_file(
        path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=item.file_name or "evidence",
        max_age=0,
    )
