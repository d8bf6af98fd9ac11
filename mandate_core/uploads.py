"""The Data page's upload handling: check uploaded bytes, save them, import them like the command line.

Uploads are saved to a private temporary folder under their own (sanitised) names, so the problems the
importer reports name the file the user chose.  Then the command line's own import runs — the same
validation, the same all-or-nothing transaction, the same messages — and its problems become table rows.
Nothing here imports Streamlit: the page hands over names and bytes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import importer, storage

#: Largest accepted upload, per file (the same as server.maxUploadSize in .streamlit/config.toml).
MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
ALLOWED_EXTENSIONS: tuple[str, ...] = ("csv", "xlsx")
#: Problems shown in the table; the rest are counted, as on the command line.
MAX_SHOWN = importer.MAX_REPORTED

PROBLEM_COLUMNS = ("file", "row", "column", "reason")


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the page received it."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Outcome:
    """What an upload attempt did: either what was imported, or why nothing was."""

    ok: bool
    problems: list[dict[str, Any]] = field(default_factory=list)  # {file, row, column, reason}
    total: int = 0  # all problems, of which ``problems`` are the first MAX_SHOWN
    imported: list[dict[str, Any]] = field(default_factory=list)  # {council_id, round, answers, action}
    #: {file, read, stored} per uploaded file: the rows read from it and the rows stored, so a file that
    #: was read only in part cannot go unnoticed.
    files: list[dict[str, Any]] = field(default_factory=list)
    councils: int = 0
    summary: str = ""

    @property
    def more(self) -> int:
        """Problems not in the table ("… and N more")."""
        return max(0, self.total - len(self.problems))

    def more_text(self) -> str:
        if not self.more:
            return ""
        noun = "problem" if self.more == 1 else "problems"
        return f"… and {self.more} more {noun} (first {len(self.problems)} shown)"

    def headline(self) -> str:
        if self.ok:
            return self.summary
        noun = "problem" if self.total == 1 else "problems"
        return f"Import refused, nothing was written ({self.total} {noun})."


def sanitize_name(name: str) -> str:
    """A safe file name that still reads like the user's: no folders, no odd characters, not hidden."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9 ._()+-]+", "_", base).strip(" .") or "upload"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem[:100] or "upload"
    return f"{stem}.{ext[:10]}" if ext else stem


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: Upload) -> str | None:
    """Why an upload is refused before it is read (type or size), or None when it may be imported."""
    ext = extension(upload.name)
    if ext not in ALLOWED_EXTENSIONS:
        shown = f".{ext}" if ext else "no extension"
        return (f"a {shown} file cannot be imported; upload a CSV (.csv) or Excel workbook (.xlsx) "
                "— save an old .xls workbook as .xlsx first")
    if upload.size > MAX_UPLOAD_BYTES:
        return f"the file is {upload.size / 1024 / 1024:.0f} MB, larger than the {MAX_UPLOAD_MB} MB limit"
    if upload.size == 0:
        return "the file is empty"
    return None


def problem_rows(problems: Sequence[importer.Problem]) -> list[dict[str, Any]]:
    """The importer's problems as table rows, in the order the command line lists them."""
    return [{"file": p.file, "row": p.row, "column": p.column, "reason": p.reason} for p in problems]


def _save(directory: Path, uploads: Sequence[Upload]) -> list[importer.Source]:
    used: set[str] = set()
    sources = []
    for upload in uploads:
        name = sanitize_name(upload.name)
        stem, dot, ext = name.rpartition(".")
        candidate, k = name, 1
        while candidate.lower() in used:
            k += 1
            candidate = f"{stem} ({k}).{ext}" if dot else f"{name} ({k})"
        used.add(candidate.lower())
        path = directory / candidate
        path.write_bytes(upload.data)
        sources.append(importer.Source(path, candidate))
    return sources


def import_uploads(
    db: str | os.PathLike[str] | None,
    councils: Upload | None,
    responses: Sequence[Upload],
    *,
    replace: bool = False,
    lock_timeout: float | None = None,
) -> Outcome:
    """Check, save and import uploaded files as one command; the database changes only on success."""
    everything = ([councils] if councils else []) + list(responses)
    if not everything:
        return Outcome(ok=False, problems=[{"file": "(upload)", "row": None, "column": None,
                                            "reason": "no files to import: add a councils file and/or "
                                                      "responses files"}], total=1)
    refused = [
        {"file": sanitize_name(u.name), "row": None, "column": None, "reason": reason}
        for u in everything if (reason := check_upload(u))
    ]
    if refused:
        return Outcome(ok=False, problems=refused[:MAX_SHOWN], total=len(refused))
    with tempfile.TemporaryDirectory(prefix="mandate-upload-") as tmp:
        sources = _save(Path(tmp), everything)
        council_src = sources[0] if councils else None
        response_srcs = sources[1:] if councils else sources
        try:
            result = importer.import_files(db, councils=council_src, responses=response_srcs, replace=replace,
                                           lock_timeout=lock_timeout)
        except importer.ImportFailed as exc:
            shown = problem_rows(exc.problems[:MAX_SHOWN])
            return Outcome(ok=False, problems=shown, total=max(exc.total, len(shown)))
        except storage.StoreError as exc:
            return Outcome(ok=False, problems=[{"file": "(database)", "row": None, "column": None,
                                                "reason": str(exc)}], total=1)
    imported = [
        {"council_id": c, "round": r, "answers": n,
         "action": "replaced" if (c, r) in result.replaced else "added"}
        for c, r, n in result.rounds
    ]
    files = [{"file": name, "read": read, "stored": stored} for name, read, stored in result.files]
    return Outcome(ok=True, imported=imported, files=files, councils=result.councils, summary=result.summary())


# --- what --replace would replace --------------------------------------------------------------------------


def rounds_in_upload(upload: Upload, limit_bytes: int = 20 * 1024 * 1024) -> set[tuple[str, str]] | None:
    """(council_id, round) pairs a responses upload names, for the replace warning; None if unknown.

    Only a preview: files larger than ``limit_bytes`` or that cannot be read are skipped (None), and the
    import itself validates everything properly.
    """
    if check_upload(upload) or upload.size > limit_bytes:
        return None
    try:
        if extension(upload.name) == "csv":
            reader = csv.reader(io.StringIO(upload.data.decode("utf-8-sig")))
            rows = iter(reader)
        else:
            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True, data_only=True)
            sheet = wb.worksheets[0]
            sheet.reset_dimensions()  # read every row, whatever a stale <dimension> says (as the import does)
            rows = (["" if v is None else str(v) for v in r] for r in sheet.iter_rows(min_row=1, min_col=1,
                                                                                   values_only=True))
        header = [h.strip().lower() for h in next(rows, [])]
        if "council_id" not in header or "round" not in header:
            return None
        ci, ri = header.index("council_id"), header.index("round")
        found = set()
        for row in rows:
            if len(row) > max(ci, ri) and str(row[ci]).strip() and str(row[ri]).strip():
                found.add((str(row[ci]).strip(), str(row[ri]).strip()))
        return found
    except Exception:  # noqa: BLE001 - a preview that cannot read the file just says nothing
        return None


def rounds_to_replace(
    responses: Sequence[Upload], loaded: dict[str, list[dict[str, Any]]]
) -> tuple[list[tuple[str, str]], bool]:
    """Loaded rounds the uploads would replace, and whether every upload could be previewed."""
    complete = True
    pairs: set[tuple[str, str]] = set()
    for upload in responses:
        found = rounds_in_upload(upload)
        if found is None:
            complete = False
            continue
        pairs |= found
    existing = {(cid, str(r["round"])) for cid, rs in loaded.items() for r in rs}
    return sorted(pairs & existing), complete
