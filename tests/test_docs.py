"""The project's own documentation (docs/) checked against the code, so the docs cannot drift.

* docs/metrics.md: its worked example is imported through the real importer and command line, and every
  value of its "JSON field" tables is compared with what the commands print; its band edges and scales
  are those of mandate_core/domain.py.
* docs/cli.md: every command of the parser is documented, and every documented command exists.
* docs/architecture.md: every module of mandate_core/ and pages/ is placed on the map.
* docs/formats.md: every column the importer accepts, and every sector key, is documented.
* Links between the docs (and from the README) point at files that exist; the README links every page.
* The repository cites its own docs: no file cites the product spec, which lives outside the repository
  (its section numbers point at nothing a reader of the repository has), and every ``docs/<page>.md`` and
  ``docs/<page>.md#<heading>`` cited anywhere names a page and a heading that exist.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mandate_core import cli, domain, importer

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"

_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_TABLE_ROW = re.compile(r"^\|(.+)\|[ \t]*$")


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# --- the worked example of docs/metrics.md -----------------------------------------------------------

def _example_steps(text: str) -> list[tuple[str, Any]]:
    """The page in order: ("file", (name, body)), ("commands", [argv, ...]) and ("expect", [(field, value)]).

    A file is a fenced block ```csv file=NAME; commands a fenced block ```sh example; an expectation a
    table whose header is | what | JSON field | value |, checked against the JSON printed by the last
    command before it.
    """
    steps: list[tuple[str, Any]] = []
    pos = 0
    while True:
        fence = _FENCE.search(text, pos)
        chunk = text[pos: fence.start() if fence else len(text)]
        steps += [("expect", rows) for rows in _expect_tables(chunk)]
        if fence is None:
            return steps
        info = fence.group("info").split()
        body = fence.group("body")
        if info[:1] == ["csv"] and len(info) > 1 and info[1].startswith("file="):
            steps.append(("file", (info[1][len("file="):], body)))
        elif info == ["sh", "example"]:
            commands = []
            for line in body.splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    words = shlex.split(line)
                    assert words[:3] == ["python", "-m", "mandate_core"], line
                    commands.append(words[3:])
            steps.append(("commands", commands))
        pos = fence.end()


def _expect_tables(chunk: str) -> list[list[tuple[str, str]]]:
    tables: list[list[tuple[str, str]]] = []
    rows: list[list[str]] | None = None
    for line in chunk.splitlines():
        match = _TABLE_ROW.match(line.strip())
        if not match:
            rows = None
            continue
        cells = [c.strip() for c in match.group(1).split("|")]
        if rows is None:
            if [c.lower() for c in cells] == ["what", "json field", "value"]:
                rows = []
                tables.append([])
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the separator row
        tables[-1].append((cells[1].strip("`"), cells[2]))
    return tables


def _lookup(doc: Any, path: str) -> Any:
    """``themes[Homes for all].now.position``: dotted keys; ``[N]`` indexes a list, ``[label]`` finds the
    theme with that label."""
    value = doc
    for part in re.findall(r"[^.\[\]]+|\[[^\]]+\]", path):
        if part.startswith("["):
            key = part[1:-1]
            if key.isdigit():
                value = value[int(key)]
            else:
                found = [t for t in value if t.get("theme") == key]
                assert len(found) == 1, f"{path}: no single theme {key!r}"
                value = found[0]
        else:
            assert isinstance(value, dict) and part in value, f"{path}: no key {part!r} in {value!r}"
            value = value[part]
    return value


def _matches(actual: Any, stated: str) -> bool:
    """The doc's value against the code's: a number to the precision the doc writes it (half a unit of
    its last decimal), null / true / false, or text."""
    if stated == "null":
        return actual is None
    if stated in ("true", "false"):
        return actual is (stated == "true")
    if re.fullmatch(r"-?\d+(\.\d+)?", stated):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        decimals = len(stated.split(".")[1]) if "." in stated else 0
        return abs(actual - float(stated)) <= 0.5 * 10 ** -decimals + 1e-12
    return actual == stated


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse: wrong usage
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_metrics_worked_example_matches_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stated value of docs/metrics.md's worked example is what import + report/benchmark give."""
    monkeypatch.delenv("MANDATE_MIN_GROUP", raising=False)
    monkeypatch.delenv("MANDATE_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    steps = _example_steps(_read("metrics.md"))
    last_json: Any = None
    checked = commands_run = 0
    for kind, payload in steps:
        if kind == "file":
            name, body = payload
            (tmp_path / name).write_text(body, encoding="utf-8")
        elif kind == "commands":
            for argv in payload:
                code, out, err = _run(argv)
                assert code == 0, f"{argv}: exit {code}\n{err}"
                commands_run += 1
                if "--json" in argv:
                    last_json = json.loads(out)
        else:
            assert last_json is not None, "an expectation table comes before any command's JSON"
            for field, stated in payload:
                actual = _lookup(last_json, field)
                assert _matches(actual, stated), f"docs/metrics.md says {field} = {stated}; the code gives {actual!r}"
                checked += 1
    # The example exercises the importer, the report and the benchmark: a parser that silently found
    # nothing would pass vacuously, so the counts are pinned from below.
    assert commands_run >= 6
    assert checked >= 50


def test_metrics_doc_states_the_band_edges_and_scales_of_domain() -> None:
    """The band table and the scales in docs/metrics.md are those of mandate_core/domain.py."""
    text = _read("metrics.md")
    assert f"| `m < {domain.DIFFERENTLY_FROM}` | {domain.BETTER} |" in text
    assert f"| `{domain.DIFFERENTLY_FROM} ≤ m < {domain.NEW_FROM}` | {domain.DIFFERENTLY} |" in text
    assert f"| `m ≥ {domain.NEW_FROM}` | {domain.NEW} |" in text
    assert ", ".join(f"{k} {v}" for k, v in domain.RISK_LEVELS.items()) in text
    assert f"log2(1 − |i − μ| / {domain.CHANGE_MAX - domain.CHANGE_MIN})" in text


def test_example_parser_reads_tables_and_rejects_a_wrong_value() -> None:
    """The doc checker itself: it finds a table after a command and would catch a wrong number."""
    text = (
        "```csv file=a.csv\nx\n1\n```\n\n```sh example\npython -m mandate_core report --council a --json\n```\n\n"
        "| what | JSON field | value |\n|---|---|---|\n| p | `overall.now.position` | 2.0 |\n"
    )
    steps = _example_steps(text)
    assert [k for k, _ in steps] == ["file", "commands", "expect"]
    assert steps[1][1] == [["report", "--council", "a", "--json"]]
    assert steps[2][1] == [("overall.now.position", "2.0")]
    assert _matches(2.04, "2.0") and not _matches(2.06, "2.0")
    assert _matches(4.444444, "4.444") and not _matches(4.4456, "4.444")
    assert _matches(None, "null") and not _matches(0.0, "null")
    assert not _matches(True, "1")
    assert _lookup({"themes": [{"theme": "A b", "gap": 1.0}]}, "themes[A b].gap") == 1.0


# --- docs/cli.md -------------------------------------------------------------------------------------

def _parser_commands() -> set[str]:
    """Every command of the parser: "import", and "users add" for a nested action."""
    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        for action in parser._actions:  # noqa: SLF001 - argparse offers no public list of subparsers
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                return dict(action.choices)
        return {}

    found: set[str] = set()
    for name, sub in subcommands(cli._parser()).items():  # noqa: SLF001
        nested = subcommands(sub)
        found |= {f"{name} {action}" for action in nested} if nested else {name}
    return found


def _documented_commands(text: str) -> set[str]:
    """Commands the page shows as ``python -m mandate_core COMMAND [ACTION]``."""
    found = set()
    for match in re.finditer(r"python -m mandate_core +([a-z]+)(?: +([a-z]+))?", text):
        name, action = match.group(1), match.group(2)
        found.add(f"{name} {action}" if name in ("users", "session") and action else name)
    return found


def test_cli_doc_covers_every_command_and_invents_none() -> None:
    text = _read("cli.md")
    parser, documented = _parser_commands(), _documented_commands(text)
    assert len(parser) >= 14
    assert parser - documented == set(), "commands missing from docs/cli.md"
    assert documented - parser == set(), "docs/cli.md documents commands the parser does not have"


def test_cli_doc_names_every_option() -> None:
    """Each option of each command appears in its section of docs/cli.md."""
    text = _read("cli.md")

    def options(parser: argparse.ArgumentParser) -> set[str]:
        return {o for a in parser._actions for o in a.option_strings if o.startswith("--")} - {"--help"}  # noqa: SLF001

    missing = []
    for name, sub in cli._parser()._subparsers._group_actions[0].choices.items():  # noqa: SLF001
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        targets = nested[0].choices.items() if nested else [("", sub)]
        for action, parser in targets:
            title = f"`{name} {action}`".replace(" `", "`") if action else f"`{name}`"
            start = text.find(f"## {title}")
            assert start >= 0, f"docs/cli.md has no section ## {title}"
            end = text.find("\n## ", start + 1)
            section = text[start: end if end > 0 else len(text)]
            missing += [f"{title} {o}" for o in sorted(options(parser)) if f"`{o}" not in section]
    assert missing == []


# --- docs/architecture.md, docs/formats.md, links ----------------------------------------------------

def test_architecture_places_every_module_and_page() -> None:
    text = _read("architecture.md")
    modules = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "mandate_core").rglob("*.py")
                     if p.name != "__init__.py" or p.parent.name == "charts")
    pages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "pages").glob("*.py")
                   if p.name != "__init__.py")
    assert len(modules) >= 25 and len(pages) >= 12
    missing = [m for m in [*modules, *pages, "dashboard.py"] if f"`{m}`" not in text]
    assert missing == [], "modules not placed in docs/architecture.md"


def test_formats_doc_lists_every_column_and_key() -> None:
    text = _read("formats.md")
    names = [*importer.COUNCIL_COLUMNS, *importer.RESPONSE_COLUMNS, *domain.SECTOR_THEMES,
             *domain.SECTOR_THEMES.values(), *domain.NATIONS, *domain.HORIZONS, *domain.ROLES]
    assert [n for n in names if n not in text] == []
    for limit in (importer.MAX_TEXT, importer.MAX_ROUND, importer.MAX_PARTICIPANT, importer.MAX_REPORTED):
        assert str(limit) in text
    assert "2,000" in text and f"{importer.MIN_YEAR}" in text and f"{importer.MAX_YEAR}" in text


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for heading in re.findall(r"^#+ +(.+)$", path.read_text(encoding="utf-8"), re.M):
        out.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return out


def test_links_in_docs_and_readme_resolve() -> None:
    files = [*sorted(DOCS.glob("*.md")), REPO / "README.md"]
    broken = []
    for path in files:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            linked = path.parent / target if target else path
            if not linked.exists():
                broken.append(f"{path.relative_to(REPO)} -> {target}")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{path.relative_to(REPO)} -> {target}#{anchor}")
    assert broken == []
    index = _read("README.md")
    for doc in DOCS.glob("*.md"):
        if doc.name != "README.md":
            assert f"({doc.name})" in index, f"docs/README.md does not link {doc.name}"


# --- the code cites docs/, not the spec outside the repository ---------------------------------------

#: A citation of the product spec: the word in capitals, or a section sign before a section number.
_SPEC_CITATION = re.compile(r"\bSPEC\b|\u00a7\s*\d")
#: A citation of a doc page, with an optional heading anchor ("docs/metrics.md#peer-benchmark").
_DOC_CITATION = re.compile(r"\bdocs/([\w.-]+\.md)(?:#([\w-]+))?")


def _tracked_text_files() -> list[Path]:
    """Every file git tracks (or, outside a git checkout, every file but .venv/.git) that reads as text."""
    try:
        names = subprocess.run(["git", "ls-files"], cwd=REPO, check=True, capture_output=True,
                               text=True).stdout.splitlines()
        paths = [REPO / n for n in names]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for p in REPO.rglob("*") if not {".venv", ".git"} & set(p.relative_to(REPO).parts)]
    out = []
    for path in paths:
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 2_000_000:
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            out.append(path)
    return out


def _spec_citations(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if _SPEC_CITATION.search(line)]


def test_the_spec_citation_finder_finds_one() -> None:
    """The scanner itself: it catches a citation by section sign and by name, and passes plain code."""
    sign, word = chr(0xA7), "SP" + "EC"  # spelt apart, so this file does not cite the spec itself
    text = f"x = 1  # ({word} {sign}4 rule 3)\n# see {sign} 2.4\nJOIN_{word} = PAGE_{word}S  # docs/cli.md\n"
    assert _spec_citations(text) == [f"x = 1  # ({word} {sign}4 rule 3)", f"# see {sign} 2.4"]
    assert _DOC_CITATION.findall("(docs/metrics.md#peer-benchmark), docs/cli.md.") == [
        ("metrics.md", "peer-benchmark"), ("cli.md", "")]


def test_no_file_cites_the_spec_outside_the_repository() -> None:
    files = _tracked_text_files()
    assert len(files) >= 100, "the scan found too few files to mean anything"
    found = [f"{p.relative_to(REPO)}: {line}" for p in files for line in _spec_citations(p.read_text("utf-8"))]
    assert found == [], "cite the doc in docs/ that holds it (docs/README.md lists them)"


def test_every_cited_doc_and_heading_exists() -> None:
    """``docs/<page>.md`` and ``docs/<page>.md#<anchor>`` in code, tests, requirements and the README resolve."""
    cited = 0
    problems: list[str] = []
    for path in _tracked_text_files():
        if path.parent == DOCS:
            continue  # links inside docs/ are relative and checked by test_links_in_docs_and_readme_resolve
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name, anchor in _DOC_CITATION.findall(line):
                cited += 1
                target = DOCS / name
                if not target.is_file():
                    problems.append(f"{path.relative_to(REPO)}:{lineno}: docs/{name} does not exist")
                elif anchor and anchor not in _anchors(target):
                    problems.append(f"{path.relative_to(REPO)}:{lineno}: docs/{name} has no heading #{anchor}")
    # The code cites the docs about a hundred times; a scan that found few would pass vacuously.
    assert cited >= 80
    assert problems == []


def test_readme_links_every_doc_page() -> None:
    """The repository's README lists every page of docs/, so a reader of the front page finds them all."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pages = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")
    assert len(pages) >= 10
    assert [name for name in pages if f"](docs/{name})" not in readme] == []
