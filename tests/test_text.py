"""mandate_core.text: the one escape for Markdown, the one for Plotly, the number formats and title wrapping.

Expected strings are written out by hand, so a change in behaviour shows as a failing test here rather
than as a name rendered as a link (or a number rounded differently) somewhere on a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mandate_core import text

ROOT = Path(__file__).resolve().parents[1]


# --- Markdown ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "escaped"), [
    ("[click](http://x.test)", r"\[click\]\(http\:\/\/x\.test\)"),
    ("**bold**", r"\*\*bold\*\*"),
    ("_it_ `code`", r"\_it\_ \`code\`"),
    (":red[x]", r"\:red\[x\]"),
    ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
    ("$x^2$", r"\$x\^2\$"),
    ("a\\b", "a\\\\b"),  # a backslash is escaped too, so it cannot escape what follows it
    ("# heading\nline", r"\# heading line"),  # a newline cannot start a new block
    ("  two   spaces\t", "two spaces"),
    ("O'Brien & Co.", r"O\'Brien \& Co\."),
    ("1. not a list", r"1\. not a list"),
    ("“Net zero” – 2030", "“Net zero” – 2030"),  # non-ASCII punctuation is not Markdown: left as typed
    ("Brackenfield", "Brackenfield"),
    (42, "42"),
])
def test_md_escape_makes_markdown_inert(raw: object, escaped: str) -> None:
    assert text.md_escape(raw) == escaped


def test_md_escape_of_a_whole_hostile_name() -> None:
    hostile = "*bold* [x](y) :red[z] $x$"
    assert text.md_escape(hostile) == r"\*bold\* \[x\]\(y\) \:red\[z\] \$x\$"


# --- Plotly -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "escaped"), [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
    ("A & B", "A &amp; B"),
    ("&lt;", "&amp;lt;"),  # an entity typed by a user is shown as typed, not decoded
    ("O'Brien \"x\"", "O'Brien \"x\""),  # quotes stay: Plotly text is not an attribute
    ("**bold** $x$ :red[y]", "**bold** $x$ :red[y]"),  # Markdown means nothing to Plotly
    (3, "3"),
])
def test_plotly_escape_keeps_user_text_out_of_tags(raw: object, escaped: str) -> None:
    assert text.plotly_escape(raw) == escaped


# --- numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "metric", "shown"), [
    (4.26, "position", "4.3"),
    (4.25, "position", "4.2"),  # 4.25 is exact in binary: the half goes to the even digit
    (4.75, "position", "4.8"),
    (4.35, "position", "4.3"),  # 4.35 is stored as 4.34999…, so it rounds down
    (-2.0, "position", "-2.0"),
    (0, "position", "0.0"),
    (1.2, "gap", "+1.2"),
    (-1.25, "gap", "-1.2"),
    (-0.04, "gap", "-0.0"),
    (0.04, "gap", "+0.0"),
    (0, "gap", "+0.0"),
    (0.8123, "consensus", "0.81"),
    (0.125, "consensus", "0.12"),
    (0.695, "consensus", "0.69"),  # stored as 0.69499…
    (None, "position", "–"),
    (None, "gap", "–"),
    (None, "consensus", "–"),
])
def test_fmt_writes_each_metric_as_the_pages_do(value: float | None, metric: str, shown: str) -> None:
    assert text.fmt(value, metric) == shown


def test_fmt_defaults_to_a_position() -> None:
    assert text.fmt(3.14159) == "3.1"
    assert text.fmt(None) == text.MISSING == "–"


@pytest.mark.parametrize(("value", "shown"), [(4.26, "4.3"), (4.25, "4.2"), (-0.05, "-0.1"), (6, "6.0")])
def test_num_is_one_decimal_place(value: float, shown: str) -> None:
    assert text.num(value) == shown


def test_shown_value_is_the_printed_number() -> None:
    assert text.shown_value(0.6996, 2) == 0.70
    assert text.shown_value(0.695, 2) == 0.69
    assert text.shown_value(-0.04, 1) == 0.0
    assert text.shown_value(2.26, 1) == 2.3


# --- wrapping ---------------------------------------------------------------------------------------------


def test_wrap_title_breaks_at_the_sentence_joints() -> None:
    assert text.wrap_title("Short title", 90) == ["Short title"]
    head = "Party groups are 0.7 points apart on “Health and wellbeing”"
    sentence = f"{head}: “Labour” 3.3 to “Independent” 4.0"
    assert text.wrap_title(sentence, 70) == [f"{head}:", "“Labour” 3.3 to “Independent” 4.0"]
    words = "word " * 30
    lines = text.wrap_title(words, 40)
    assert all(len(line) <= 40 for line in lines) and " ".join(lines) == words.strip()


def test_wrap_title_ignores_a_joint_too_early_in_the_line() -> None:
    # The ", " sits at character 2, under half of 20: break between words instead.
    assert text.wrap_title("Hi, this sentence is long enough", 20) == ["Hi, this sentence is", "long enough"]


def test_wrap_title_flattens_whitespace() -> None:
    assert text.wrap_title("a\n  b\tc", 90) == ["a b c"]


def test_shorten_cuts_only_what_is_too_long() -> None:
    assert text.shorten("Adults  and\nhealth", 20) == "Adults and health"
    assert text.shorten("Adults and health", 17) == "Adults and health"
    assert text.shorten("Adults and health", 12) == "Adults and…"  # 11 characters kept, trailing space dropped


def test_wrap_label_breaks_between_words_and_escapes() -> None:
    assert text.wrap_label("Health and wellbeing", 12) == "Health and<br>wellbeing"
    assert text.wrap_label("Children & <young> people", 30) == "Children &amp; &lt;young&gt; people"
    assert text.wrap_label("", 10) == ""


def test_wrap_label_puts_the_rest_shortened_on_the_last_line() -> None:
    name = "Health and wellbeing services for older people"
    # Four lines at 12; with two allowed, the second holds "wellbeing services for older people" cut to 12.
    assert text.wrap_label(name, 12) == "Health and<br>wellbeing<br>services for<br>older people"
    assert text.wrap_label(name, 12, 2) == "Health and<br>wellbeing s…"
    # When the rest fits its line nothing is cut and no "…" is added.
    assert text.wrap_label("Health and wellbeing", 12, 2) == "Health and<br>wellbeing"


def test_title_html_wraps_at_joints_and_escapes() -> None:
    title = "Groups differ on “A&B”: <Labour> 3.3 to Independent 4.0"
    assert text.title_html(title, 40) == "Groups differ on “A&amp;B”:<br>&lt;Labour&gt; 3.3 to Independent 4.0"
    assert text.title_lines(title, 40) == 2
    assert text.title_lines("Short", 40) == 1


# --- one home -----------------------------------------------------------------------------------------------


def _sources() -> list[Path]:
    files = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")),
             *sorted((ROOT / "mandate_core").rglob("*.py"))]
    return [f for f in files if f != ROOT / "mandate_core" / "text.py"]


def test_no_other_module_writes_its_own_escape_or_number_format() -> None:
    own = re.compile(r"^\s*def (md_escape|_?esc|plotly_escape|fmt|num|shown_value|wrap_title|wrap_label|shorten|"
                     r"two_lines|short)\(|quote=False|"
                     r"string\.punctuation", re.M)
    found = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
             for path in _sources() for m in own.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_callers_take_the_helpers_from_text() -> None:
    old = re.compile(r"\b(views|takeaways|tk|spectrum)\.(md_escape|fmt|num|wrap_title|esc)\b|"
                     r"from \.*(views|takeaways|mandate_core\.views|mandate_core\.takeaways) import [^\n]*"
                     r"\b(md_escape|fmt|num|wrap_title|shown_value)\b")
    files = [*_sources(), *sorted((ROOT / "tests").rglob("*.py"))]
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in files if path != Path(__file__).resolve()
             for m in old.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_plain_is_the_words_a_plotly_label_shows() -> None:
    from mandate_core.text import plain

    assert plain("<b>Now</b> 3.0<br>next  step<BR/>4") == "Now 3.0 next step 4"
    assert plain("R&amp;D &lt;b&gt;") == "R&D <b>"  # entities decoded: what the reader sees, as typed
    assert plain(None) == "" and plain("<span style='color:red'>x</span>") == "x"


def test_html_escape_makes_text_inert_in_an_attribute_too() -> None:
    from mandate_core.text import html_escape

    assert html_escape('"><script>x</script>') == "&quot;&gt;&lt;script&gt;x&lt;/script&gt;"
    assert html_escape("O'Brien & Co") == "O&#x27;Brien &amp; Co"
