"""A load generator that speaks Streamlit's websocket protocol, so "how many people one process holds" is
measured against the real server (uvicorn, the script threads, the interpreter lock), not AppTest.

Each simulated session does what a browser tab does: it opens ``/_stcore/stream`` with the ``streamlit``
subprotocol, sends a ``rerun_script`` BackMsg (the page name and query string of its link), and reads
ForwardMsgs until the run's ``script_finished`` (a run that ends early for a rerun, e.g. a switch_page,
is followed to the run that finishes).  Then, after a think time (about 5 s with jitter), it reruns the
same page, again and again until the measurement ends.  First page = connect → first finished run;
rerun latency = BackMsg sent → finished.  Sessions are asyncio tasks in one client process; the
client's own CPU time is reported so a saturated generator cannot pass for a slow server.
"""

from __future__ import annotations

import asyncio
import math
import random
import resource
import time
from dataclasses import dataclass, field
from typing import Any

#: A browser's view of the run's end: success, or a compile error (which also ends the run).
_DONE = (0, 1, 3)  # FINISHED_SUCCESSFULLY, FINISHED_WITH_COMPILE_ERROR, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
_EARLY_FOR_RERUN = 2


def quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation (numpy's default); None if empty (JSON has no NaN)."""
    ordered = sorted(values)
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Figures:
    """What the sessions of one load level saw."""

    first_page: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: int = 0  # runs that drew an st.exception (a traceback element) — a broken page, not a timing

    def summary(self) -> dict[str, Any]:
        return {
            "first_page_p50_s": quantile(self.first_page, 0.5),
            "first_page_p95_s": quantile(self.first_page, 0.95),
            "first_page_max_s": max(self.first_page, default=None),
            "rerun_p50_s": quantile(self.reruns, 0.5),
            "rerun_p95_s": quantile(self.reruns, 0.95),
            "reruns": len(self.reruns),
            "sessions_opened": len(self.first_page),
            "exceptions": self.exceptions,
            "errors": self.errors[:10],
            "error_count": len(self.errors),
        }


def _rerun_msg(page: str, query: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page
    state.page_script_hash = ""
    state.widget_states.SetInParent()
    return msg.SerializeToString()


async def _run_once(ws: Any, payload: bytes, timeout: float) -> int:
    """Send one rerun and wait for its finished run; the number of exception elements drawn."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await ws.send(payload)
    return await _until_finished(ws, timeout, ForwardMsg)


async def _until_finished(ws: Any, timeout: float, forward_msg: Any) -> int:
    exceptions = 0
    deadline = time.perf_counter() + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"no finished run within {timeout:.0f} s")
        data = await asyncio.wait_for(ws.recv(), remaining)
        msg = forward_msg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "exception":
                exceptions += 1
        elif kind == "script_finished" and msg.script_finished in _DONE:
            return exceptions


async def _session(url: str, page: str, query: str, start_at: float, stop_at: float, think_s: float,
                   rng: random.Random, figures: Figures, timeout: float) -> None:
    import websockets

    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    payload = _rerun_msg(page, query)
    try:
        t0 = time.perf_counter()
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                      open_timeout=timeout, ping_interval=None) as ws:
            figures.exceptions += await _run_once(ws, payload, timeout)
            figures.first_page.append(time.perf_counter() - t0)
            while True:
                await asyncio.sleep(think_s * rng.uniform(0.6, 1.4))
                if time.perf_counter() >= stop_at:
                    return
                t0 = time.perf_counter()
                figures.exceptions += await _run_once(ws, payload, timeout)
                figures.reruns.append(time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a failed session is a figure of the run, not its crash
        figures.errors.append(f"{type(exc).__name__}: {exc}")


async def _level(url: str, pages: list[tuple[str, str]], sessions: int, duration_s: float, think_s: float,
                 arrive_s: float, seed: int, timeout: float) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    now = time.perf_counter()
    stop_at = now + duration_s
    tasks = []
    for i in range(sessions):
        page, query = pages[i % len(pages)]
        tasks.append(asyncio.create_task(_session(
            url, page, query, now + rng.uniform(0, arrive_s), stop_at, think_s, random.Random(seed * 1000 + i),
            figures, timeout)))
    await asyncio.gather(*tasks)
    return figures


def run_level(port: int, pages: list[tuple[str, str]], sessions: int, duration_s: float = 30.0,
              think_s: float = 5.0, arrive_s: float = 0.0, seed: int = 7, timeout: float = 120.0,
              host: str = "127.0.0.1") -> dict[str, Any]:
    """``sessions`` sessions against one server for ``duration_s``; their figures and the client's CPU.

    ``pages`` are (page name, query string) pairs, handed out round-robin.  ``arrive_s`` 0 opens every
    session at the same moment: the room opening the facilitator's link together.
    """
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.perf_counter()
    figures = asyncio.run(_level(f"ws://{host}:{port}/_stcore/stream", pages, sessions, duration_s, think_s,
                                 arrive_s, seed, timeout))
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - wall0
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    return {"sessions": sessions, "duration_s": duration_s, "think_s": think_s, "wall_s": wall,
            "client_cpu_share": cpu / wall if wall else None, **figures.summary()}


def single_reruns(port: int, page: str, query: str = "", repeat: int = 10, timeout: float = 120.0,
                  host: str = "127.0.0.1") -> dict[str, Any]:
    """One user alone: the first page, then ``repeat`` reruns back to back (median and min)."""

    async def go() -> dict[str, Any]:
        import websockets
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        payload = _rerun_msg(page, query)
        t0 = time.perf_counter()
        async with websockets.connect(f"ws://{host}:{port}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None, ping_interval=None) as ws:
            exceptions = await _run_once(ws, payload, timeout)
            first = time.perf_counter() - t0
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                await ws.send(payload)
                exceptions += await _until_finished(ws, timeout, ForwardMsg)
                times.append(time.perf_counter() - t0)
        return {"first_s": first, "rerun_p50_s": quantile(times, 0.5), "rerun_min_s": min(times),
                "exceptions": exceptions}

    return asyncio.run(go())
