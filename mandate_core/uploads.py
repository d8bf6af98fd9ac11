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

#: The Data page's description of the two files (README "The data files", docs/formats.md).
FORMAT_HELP = """
**councils** — one row per council: `council_id`, `name`, `nation` (England, Scotland, Wales, Northern
Ireland), `council_type`, and optionally `population` and `peer_group`. Councils already loaded are updated.

**responses** — one row per participant × theme × horizon: `council_id`, `round`, `workshop_date`
(YYYY-MM-DD), `participant` (a pseudonymous id, never an e-mail address), `role` (officer or member),
`group` (a member's political group), `theme`, `sector_theme`, `horizon` (now, next, ambition), `change`
(1–6), and optionally `risk` (1–5) and `note`.

An import is all or nothing: if any row of any file is wrong, nothing is written and every problem is
listed with its file, row (the header is row 1, as a spreadsheet shows it), column and reason.
"""


def replace_warning(responses: Sequence[Upload], cat: Any) -> str:
    """What ticking "Replace rounds that are already loaded" will delete, in Markdown (names escaped)."""
    from .findings.common import names_list
    from .text import md_escape

    found, complete = rounds_to_replace(responses, cat.rounds)
    if found:
        listed = names_list([f"{md_escape(cat.name(c))} — {md_escape(r)}" for c, r in found], 8)
        return f"These rounds will be deleted and replaced by the uploaded answers: {listed}."
    return ("Any council's round in the uploaded files that is already loaded will be deleted and replaced by "
            "the uploaded answers." + ("" if complete or not responses else " (The files could not be previewed.)"))


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


# --- the web page's words for the same problems -------------------------------------------------------------

#: The importer's messages speak to the command line; the Data page says the same with its own controls.
#: (The CLI keeps its words: external tests pin them.)
WEB_WORDS: tuple[tuple[str, str], ...] = (
    (" is not in the database; import a councils file with it first (--councils)",
     " is not loaded; add it to a councils file and choose that file under “Councils file”"),
    (" is already in the database; use --replace to replace that round whole",
     " is already loaded; tick “Replace rounds that are already loaded” to replace it whole"),
    ("--replace", "“Replace rounds that are already loaded”"),
    ("--councils", "“Councils file”"),
)
#: The columns of the problems table and of its download.
WEB_PROBLEM_COLUMNS = ("file", "row", "rows", "column", "problem")
_GOT = re.compile(r" \(got .*\)$")
_UNKNOWN_COUNCIL = re.compile(r"^council (.+) is not in the database")
#: The importer's rules across rows ("a participant keeps one role: 'boss' differs from 'member' on row 5").
_ACROSS_ROWS = re.compile(r"^(a participant keeps one \w+|one date per council and round|one sector theme per theme):"
                          r" .* differs from .* on row (\d+)$")


def plural(n: int, word: str) -> str:
    """"1 round", "2 rounds"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def web_reason(reason: str) -> str:
    """A problem's reason in the page's words: no command-line options."""
    for cli, web in WEB_WORDS:
        reason = reason.replace(cli, web)
    return reason


def _rows_text(rows: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for r in rows:  # consecutive rows as one range: "2–31" for a column wrong on every row
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    parts = [f"{a}–{b}" if b > a else str(a) for a, b in runs]
    shown = ", ".join(parts[:3]) + (", …" if len(parts) > 3 else "")
    return f"{shown} ({len(rows)} rows)"


def web_problems(problems: Sequence[dict[str, Any]], councils_file: str | None = None) -> list[dict[str, Any]]:
    """The problems as the page lists them: one line per cause, not one per row it knocked on.

    - Rows of one file failing the same rule on the same column are one problem, its rows counted
      ("must be a whole number from 1 to 6" on rows 2, 5, 9 and 21 more); the value a row held is kept
      only when every row held the same.
    - When the councils file itself could not be read, every council it would have added is then "not in
      the database": those become one problem naming them, under the councils file's own.
    Each line: file, first row, rows (how many rows), column, problem.
    """
    councils_unread = councils_file is not None and any(
        p["file"] == councils_file and (p["row"] is None or p["row"] == 1) for p in problems)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    causes: dict[tuple[Any, Any, int], tuple[Any, ...]] = {}  # (file, column, row) of a value problem -> group
    knocked: list[tuple[dict[str, Any], str, int]] = []
    for p in problems:
        reason = str(p["reason"])
        across = _ACROSS_ROWS.match(reason)
        if across and p["row"] is not None:  # judged after the value problems it may follow from
            knocked.append((p, across.group(1), int(across.group(2))))
            continue
        unknown = _UNKNOWN_COUNCIL.match(reason)
        if unknown and councils_unread:
            key: tuple[Any, ...] = ("unknown-after-councils",)
        else:
            key = (p["file"], p["column"], _GOT.sub("", reason), unknown is not None)
        group = groups.setdefault(key, {"file": p["file"], "rows": [], "column": p["column"], "reasons": [],
                                        "councils": [], "unknown": unknown is not None})
        if p["row"] is not None:
            group["rows"].append(int(p["row"]))
        group["reasons"].append(reason)
        if unknown:
            group["councils"].append(unknown.group(1))
        if p["row"] is not None:
            causes.setdefault((p["file"], p["column"], int(p["row"])), key)
    for p, rule, first_row in knocked:
        # "a participant keeps one role" broken only because one of the two rows holds a wrong role:
        # a knock-on of that row's problem, counted under it
        cause = causes.get((p["file"], p["column"], int(p["row"]))) or causes.get((p["file"], p["column"], first_row))
        if cause is not None:
            groups[cause].setdefault("knock", {}).setdefault(rule, []).append(int(p["row"]))
            continue
        key = (p["file"], p["column"], rule, False)
        group = groups.setdefault(key, {"file": p["file"], "rows": [], "column": p["column"], "reasons": [],
                                        "councils": [], "unknown": False})
        group["rows"].append(int(p["row"]))
        group["reasons"].append(str(p["reason"]))
    out = []
    for key, g in groups.items():
        reasons = list(dict.fromkeys(g["reasons"]))
        if key == ("unknown-after-councils",):
            problem = (f"{plural(len(g['councils']), 'council')} not loaded ({', '.join(g['councils'][:8])}"
                       f"{' and more' if len(g['councils']) > 8 else ''}): {councils_file} could not be read")
        elif len(g["councils"]) > 1:
            problem = (f"{plural(len(g['councils']), 'council')} not loaded: {', '.join(g['councils'][:8])}"
                       f"{' and more' if len(g['councils']) > 8 else ''}"
                       "; add them to a councils file and choose that file under “Councils file”")
        elif len(reasons) == 1:
            problem = web_reason(reasons[0])
        else:
            problem = web_reason(_GOT.sub("", reasons[0])) + " (the values differ from row to row)"
        for rule, knock_rows in g.get("knock", {}).items():
            where = sorted(set(knock_rows))
            problem += (f"; so “{rule}” fails on {'row' if len(where) == 1 else 'rows'} "
                        f"{_rows_text(where) if len(where) > 1 else where[0]} too")
        rows = sorted(set(g["rows"]))
        out.append({"file": g["file"], "row": rows[0] if rows else None,
                    "rows": _rows_text(rows) if len(rows) > 1 else (str(rows[0]) if rows else "–"),
                    "column": g["column"], "problem": problem})
    return out


def web_headline(outcome: Outcome) -> str:
    """The one sentence that says the import was refused (said once: the status line says "checked")."""
    return (f"Import refused — nothing was written ({plural(outcome.total, 'problem')}). "
            "Correct the files and upload them again.")


def success_text(outcome: Outcome) -> str:
    """"Imported. … 1 round written; 1 council imported or updated." with the plurals right."""
    text = f"Imported. Every page now shows the new data.\n\n{plural(len(outcome.imported), 'round')} written"
    return text + (f"; {plural(outcome.councils, 'council')} imported or updated." if outcome.councils else ".")


def upload_of(file: Any) -> Upload:
    """An :class:`Upload` from what a file uploader hands over (anything with ``name`` and ``getvalue()``),
    so the rest of this module never sees a web framework's file object."""
    return Upload(name=str(getattr(file, "name", "upload")), data=bytes(file.getvalue()))


def checking_label(count: int) -> str:
    """The status line while the files are checked: "Checking and importing 2 files…"."""
    return f"Checking and importing {plural(count, 'file')}…"


def import_detail(council_upload: Upload | None, responses: Sequence[Upload], replace: bool) -> str:
    """The activity record's detail for an import: the files' names (at most 500 characters, so a long
    list cannot fill the record) and whether loaded rounds were replaced."""
    names = [u.name for u in ([council_upload] if council_upload else []) + list(responses)]
    return ", ".join(names)[:500] + (" (replace)" if replace else "")


def problems_caption(outcome: Outcome) -> str:
    """The line under the problems table: how many are not shown, then how to read or keep the list."""
    return " ".join(filter(None, [outcome.more_text(), "Click a problem to read all of it, or download the list:"]))


def file_rows(outcome: Outcome) -> list[dict[str, Any]]:
    """Rows read and stored per file, so a file read only in part shows at once."""
    return [{"File": f["file"], "Rows read": f["read"], "Rows stored": f["stored"]} for f in outcome.files]


def imported_rows(outcome: Outcome, name_of: Any) -> list[dict[str, Any]]:
    """The rounds written, every column named ("What happened": added or replaced)."""
    return [{"Council": name_of(r["council_id"]), "Council id": r["council_id"], "Round": r["round"],
             "Answers": r["answers"], "What happened": str(r["action"]).capitalize()} for r in outcome.imported]


# --- templates to start from -----------------------------------------------------------------------------

#: One example row each, in the format of docs/formats.md; the ids are made up so an import of the
#: template as it is cannot touch a real council.
TEMPLATES: dict[str, list[dict[str, str]]] = {
    "councils": [{"council_id": "example-council", "name": "Example Borough Council", "nation": "England",
                  "council_type": "District", "population": "100000", "peer_group": "Shire districts"}],
    "responses": [{"council_id": "example-council", "round": "2026 baseline", "workshop_date": "2026-03-21",
                   "participant": "M01", "role": "member", "group": "Labour", "theme": "Net zero by 2040",
                   "sector_theme": "environment", "horizon": "now", "change": "2", "risk": "2", "note": ""}],
}


def template_columns(kind: str) -> tuple[str, ...]:
    """The template's header: every column the importer accepts, in its order."""
    return tuple(importer.COUNCIL_COLUMNS if kind == "councils" else importer.RESPONSE_COLUMNS)
