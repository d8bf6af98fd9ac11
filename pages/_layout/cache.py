"""Things built once per server process and shared, read-only, by every session: building and validating a
Plotly figure was most of a rerun's cost (README "Performance"), and 50 people opening one link ask for the
same figure.  What is derived from a shared value (its anonymised copy, its numbers) is kept with it by its
build token, so a view only ever gets what was made from exactly its own."""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


class SharedCache:
    """A bounded map of values built once per key even when many sessions ask at once (50 people opening one
    link wait for one build, not 50).  Values are shared, never copied: nobody may change them."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._building: dict[Any, threading.Lock] = {}

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = build()
            with self._lock:
                self._items[key] = value
                self._building.pop(key, None)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value


#: Built figures by the digest of their builder and input; anonymised copies by (build token, anonymiser);
#: shared values (:func:`shared`) by their digest.
FIGURES = SharedCache(128)  # bounded: a 400-council sector's figures are large
#: The build token of each value handed out and still alive, by ``id``: (a weak reference to it, its token).
SHARED: dict[int, tuple[weakref.ref[Any], str]] = {}
_SHARED_LOCK = threading.Lock()


def digest(build: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes | None:
    """The key of an input: its pickle's digest.  Equal bytes mean equal input (a different pickle of equal
    input only costs a rebuild), and pickling plain rows is far cheaper than Streamlit's argument hasher
    (at 400 councils that hasher alone took longer than building the figure).  None: not picklable."""
    try:
        data = pickle.dumps((build.__module__, build.__qualname__, args, sorted(kwargs.items())), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.blake2b(data, digest_size=32).digest()


def figure(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``build(*args, **kwargs)`` — a panel builder of mandate_core.panels (or a chart builder) — built once
    per distinct input in this process and shared by every session.  The key is the input itself (rows,
    labels, focus, threshold, look, …), so a new import changes the key; the value is read-only."""
    key = digest(build, args, kwargs)
    if key is None:
        return build(*args, **kwargs)
    token, fig = FIGURES.get(key, lambda: (uuid.uuid4().hex, build(*args, **kwargs)))
    remember(fig, token)
    return fig


def shared(build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``build(*args, **kwargs)`` for a pure function of its input (a table's rows, a DataFrame), made once
    per distinct input in this process and shared by every session, as :func:`figure` does for charts."""
    key = digest(build, args, kwargs)
    if key is None:
        return build(*args, **kwargs)
    return FIGURES.get(("value", key), lambda: build(*args, **kwargs))


def remember(value: Any, token: str) -> None:
    """Note the build token of a shared ``value`` (by ``id``, with a weak reference that drops the note when
    the value goes, so an ``id`` reused later finds nothing)."""
    with _SHARED_LOCK:
        entry = SHARED.get(id(value))
        if entry is None or entry[0]() is not value:
            try:
                SHARED[id(value)] = (weakref.ref(value, functools.partial(_forget, id(value))), token)
            except TypeError:  # not weakly referable: whatever is derived from it is derived afresh
                pass


def _forget(value_id: int, ref: weakref.ref[Any], lock: Any = _SHARED_LOCK, notes: dict = SHARED) -> None:
    with lock:  # bound at definition: at interpreter exit the module's globals may already be gone
        if (entry := notes.get(value_id)) is not None and entry[0] is ref:
            del notes[value_id]


def shared_token(value: Any) -> str | None:  # None: not a value this cache handed out (or no longer alive)
    with _SHARED_LOCK:
        entry = SHARED.get(id(value))
    return entry[1] if entry is not None and entry[0]() is value else None


def kept_with(owner: Any, name: str, build: Callable[[], R]) -> R:
    """``build()`` — something derived from ``owner``, a shared value — made once and kept with that very
    object (keyed by its build token, never handed to a view of another); built afresh for anything else."""
    token = shared_token(owner)
    if token is None:
        return build()
    return FIGURES.get(("kept", token, name), build)
