"""A live workshop in real Chromium (docs/live.md): 30 phones answer at once, the round is stored as an import.

One test drives a whole workshop on its own server and database: the facilitator's join screen (its QR code
decodes to the address shown beside it), 30 phone-sized contexts joining and submitting every theme at the
same moment, reloads that resume where they were, the live counts arriving without a reload, the reveal,
and closing from the browser.  Then ``report --json`` must equal the report of importing the very answers the
phones gave, as a CSV: nothing lost, nothing doubled.  Phones are driven from one thread (Playwright's sync
API is not thread-safe): each step is started on every phone before any is waited for, so the server sees
the submissions together.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from mandate_core import importer, live, storage

from . import browser as b

pytestmark = pytest.mark.e2e

PHONES = 30
THEMES = [("Good jobs", "economy"), ("Homes for all", "place")]
GROUPS = ["Labour", "Green"]
COUNCILS = "council_id,name,nation,council_type,population,peer_group\nalpha,Alpha Council,England,Unitary,1000,A\n"
QUESTIONS = [live.QUESTIONS[h] for h in ("now", "next", "ambition")]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "mandate_core", *args], cwd=b.REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def _person(i: int) -> tuple[str, str | None]:
    return ("officer", None) if i % 3 == 0 else ("member", GROUPS[i % 2])


def _answers(i: int, t: int) -> tuple[dict[str, int], dict[str, int], str]:
    """What phone ``i`` answers for theme ``t``: scores, some risks, now and then a note with odd characters."""
    changes = {"now": 1 + (i + t) % 4, "next": 2 + (i * 2 + t) % 4, "ambition": 3 + (i + 2 * t) % 4}
    risks = {"now": 1 + i % 5, "ambition": 1 + (i + t) % 5} if i % 4 else {}
    note = f'Idea {i}.{t}: pool the budgets, "together" <b>now</b>' if i % 5 == 0 else ""
    return changes, risks, note


def _settle(page: Any) -> None:
    b.wait_for_app(page, settle=0.3)


def _fill_theme(page: Any, i: int, t: int) -> None:
    changes, risks, note = _answers(i, t)
    groups = page.locator('[data-testid="stMain"] [role="radiogroup"]')
    for k, horizon in enumerate(("now", "next", "ambition")):
        groups.nth(2 * k).get_by_role("radio", name=live.CHANGE_WORDS[changes[horizon]], exact=True).click()
        if horizon in risks:
            groups.nth(2 * k + 1).get_by_role("radio", name=live.RISK_WORDS[risks[horizon]], exact=True).click()
    if note:
        page.get_by_label("What would a radical alternative look like? (optional)").fill(note)


def _wait_text(page: Any, text: str, timeout: float = 60.0) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout * 1000)


def _expected_csv(path: Path, code: str, tokens: list[str], db: Path) -> Path:
    """The responses file of exactly what the phones submitted, under the ids the session gave them."""
    with storage.connect(db, read_only=True) as con:
        ids = dict(con.execute("SELECT device_token, participant FROM live_participants WHERE code = ?",
                               [code]).fetchall())
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(importer.RESPONSE_COLUMNS)
        for i, token in enumerate(tokens):
            role, group = _person(i)
            for t, (theme, sector) in enumerate(THEMES):
                changes, risks, note = _answers(i, t)
                for horizon in ("now", "next", "ambition"):
                    writer.writerow(["alpha", "Live 2027", "2027-02-01", ids[token], role, group or "", theme, sector,
                                     horizon, changes[horizon], risks.get(horizon, ""),
                                     note if horizon == "ambition" else ""])
    return path


def _metric(page: Any, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_thirty_phones_answer_at_once_and_closing_stores_what_an_import_would(
        serve: Any, new_page: Any, tmp_path: Path) -> None:
    import zxingcpp
    from PIL import Image

    councils = tmp_path / "councils.csv"
    councils.write_text(COUNCILS)
    db = tmp_path / "live.duckdb"
    importer.import_files(db, councils)
    opened = json.loads(_cli("session", "open", "--db", str(db), "--council", "alpha", "--round", "Live 2027",
                             "--date", "2027-02-01", *[a for th in THEMES for a in ("--theme", f"{th[0]}={th[1]}")],
                             "--groups", ",".join(GROUPS), "--json").stdout)
    code = opened["code"]
    server = serve("live", db=db)
    address = f"{server.url}/join?code={code}"

    # The facilitator's join screen: the code, the address, and a QR code that decodes to that address.
    desk = new_page(1280, 900)
    b.goto(desk, server.url, "/Workshop")
    assert code in b.main_text(desk)
    assert desk.locator('[data-testid="stCode"]').first.inner_text().strip() == address
    qr = desk.locator('img[data-testid="ws-qr"]')
    assert qr.get_attribute("alt") == f"QR code of {address}"
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
    assert decoded == [address]

    phones = [new_page(390, 844) for _ in range(PHONES)]
    for phone in phones:
        phone.goto(address, wait_until="domcontentloaded")
    for i, phone in enumerate(phones):
        phone.get_by_role("button", name="Start").wait_for(timeout=90_000)
        role, group = _person(i)
        phone.get_by_text("An officer (a senior manager)" if role == "officer" else "A member (an elected councillor)",
                          exact=True).click()
        if group:
            b.choose(phone, "Members: your political group", group)
    for phone in phones:
        phone.get_by_role("button", name="Start").click()
    tokens = []
    for phone in phones:
        phone.wait_for_url("**device=**", timeout=60_000)
        _wait_text(phone, "0 of 2 themes answered")
        tokens.append(parse_qs(urlparse(phone.url).query)["device"][0])
    assert len(set(tokens)) == PHONES
    assert b.problems_on_page(phones[0]) == []
    assert phones[0].evaluate("() => document.documentElement.scrollWidth") <= 390, "the phone page reflows"

    for t in range(len(THEMES)):
        for i, phone in enumerate(phones):
            _fill_theme(phone, i, t)
        for phone in phones:  # every submission in flight at once
            phone.get_by_role("button", name="Save and go on").click()
        for phone in phones:
            _wait_text(phone, f"{t + 1} of 2 themes answered")
        if t == 0:  # a reload (a locked phone, a dropped connection) resumes at the next theme
            for phone in phones[::3]:
                phone.reload(wait_until="domcontentloaded")
            for phone in phones[::3]:
                _wait_text(phone, "1 of 2 themes answered")
                phone.locator("h2", has_text=THEMES[1][0]).wait_for(timeout=30_000)
    for phone in phones:
        _wait_text(phone, "every theme is answered")
        assert b.problems_on_page(phone) == []

    # The facilitator's live view catches up by itself (it refreshes every 3 s), without a reload.
    deadline = time.monotonic() + 20
    while (_metric(desk, "Joined"), _metric(desk, "Answers stored")) != (str(PHONES), str(PHONES * 6)):
        assert time.monotonic() < deadline, (_metric(desk, "Joined"), _metric(desk, "Answers stored"))
        desk.wait_for_timeout(500)
    status = json.loads(_cli("session", "status", "--db", str(db), "--code", code, "--json").stdout)
    assert status == {"code": code, "council_id": "alpha", "round": "Live 2027", "state": "open",
                      "participants": PHONES, "answers": PHONES * 6}

    desk.get_by_text("Reveal the room's spectrum").click()
    _settle(desk)
    assert b.chart_report(desk) and all(c["marks"] for c in b.chart_report(desk))

    desk.get_by_role("button", name="Close the session and store the round").click()
    _wait_text(desk, f"session {code} closed")
    assert b.problems_on_page(desk) == []

    twin = tmp_path / "twin.duckdb"
    importer.import_files(twin, councils, [_expected_csv(tmp_path / "expected.csv", code, tokens, db)])
    stored = json.loads(_cli("report", "--db", str(db), "--council", "alpha", "--json").stdout)
    expected = json.loads(_cli("report", "--db", str(twin), "--council", "alpha", "--json").stdout)
    assert stored == expected
    assert stored["participants"] == PHONES and stored["round"] == "Live 2027"

    # A phone that comes back after the close gets a clear message and nothing else.
    phones[0].reload(wait_until="domcontentloaded")
    _wait_text(phones[0], "This session has closed")
    assert phones[0].locator('[role="radiogroup"]').count() == 0


def test_a_wrong_code_gets_a_clear_message_and_nothing_else(app_server: b.Server, new_page: Any) -> None:
    phone = new_page(390, 844)
    b.goto(phone, app_server.url, "/join?code=AAAAAA")
    assert live.WRONG_CODE in b.main_text(phone)
    assert phone.locator('[data-testid="stMain"] input, [data-testid="stMain"] button').count() == 0
    assert b.problems_on_page(phone) == []
    assert "Aldermoor" not in phone.content()
