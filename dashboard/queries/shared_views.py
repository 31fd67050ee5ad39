"""Views shared by the dashboard replicas of one build, through Redis (optional).

With ``view_cache_url`` (``UNEASE_VIEW_CACHE_URL=redis://host:6379/0``) a view one
replica (or worker) computed is stored in Redis, and every other replica serving the
same build reads it instead of computing it again.  Without it, views are kept per
process only (the in-process LRU of :mod:`dashboard.queries.gate`, always in front).

* **Keys** hold the build's identity (``build_info.build_id``, a random id written by
  each build), the function and its arguments: a new build never reads the views of
  an old one, and replicas of one file, or of copies of it, share them.
* **Values** are JSON with a few tagged types (numpy arrays with their dtype, data
  frames, tuples), decoded into the type the function declares it returns: nothing
  from the network is unpickled or imported.
* **Redis away**: a failed read or write is logged and the view is computed here; the
  dashboard keeps answering.  A view the codec cannot hold (one with page components,
  like the map's) is computed per process and not stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import typing
from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.store import Store
from etl.settings import Settings

log = logging.getLogger(__name__)

#: Seconds a shared view lives in Redis: a build's views go with it once it is replaced
#: (keys of a new build differ); give Redis a maxmemory with allkeys-lru as well.
VIEW_TTL_SECONDS = 7 * 24 * 3600
#: Seconds to wait for Redis before computing the view here.
REDIS_TIMEOUT_SECONDS = 1.0

_TAG = "~"


def shared(fn: Callable) -> Callable:
    """``fn(store, version, *args)`` looked up in Redis first when a view cache URL is set.

    ``args`` must be plain values (strings, numbers) checked by dashboard.inputs."""

    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def through_redis(store: Store, version: tuple[int, int], *args):
        client = _client()
        if client is None:
            return fn(store, version, *args)
        key = view_key(build_id(store, version), name, args)
        try:
            stored = client.get(key)
        except Exception as exc:  # Redis down or unreachable: serve from this process
            _warn(f"view cache read failed ({exc}); computing {name} here")
            stored = None
        if stored is not None:
            return decode(stored, _returned_type(fn))
        value = fn(store, version, *args)
        try:
            client.set(key, encode(value), ex=VIEW_TTL_SECONDS)
        except TypeError as exc:  # a value the codec does not know: not shared
            _warn(f"{name}: not shared ({exc})")
        except Exception as exc:
            _warn(f"view cache write failed ({exc})")
        return value

    return through_redis


def view_key(build: str, name: str, args: tuple) -> str:
    """``unease:view:<build id>:<function>:<arguments as JSON>``."""
    return f"unease:view:{build}:{name}:{json.dumps(list(args), separators=(',', ':'))}"


@functools.lru_cache(maxsize=4)
def build_id(store: Store, version: tuple[int, int]) -> str:
    """The identity of the build served: its ``build_id``, or for a file built before
    builds had one, a digest of when it was built, its size and modification time."""
    rows = store.frame("select key, value from build_info")
    info = dict(zip(rows["key"], rows["value"]))
    if info.get("build_id"):
        return info["build_id"]
    st = os.stat(store.path)
    stamp = f"{info.get('built_at')}|{st.st_size}|{st.st_mtime_ns}"
    return "file-" + hashlib.sha256(stamp.encode()).hexdigest()[:24]


_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def _client():
    """The Redis client of ``view_cache_url`` (one per process), or None when unset."""
    url = Settings.from_env().view_cache_url
    if not url:
        return None
    with _clients_lock:
        if url not in _clients:
            import redis  # only needed when a shared view cache is configured

            _clients[url] = redis.Redis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return _clients[url]


_warned: set[str] = set()


def _warn(message: str) -> None:
    """Log each kind of failure once per process, not once per request."""
    kind = message.split("(")[0]
    if kind not in _warned:
        _warned.add(kind)
        log.warning(message)


@functools.cache
def _returned_type(fn: Callable) -> type | None:
    try:
        returned = typing.get_type_hints(fn).get("return")
    except NameError:  # an annotation only a type checker resolves: keep the plain tuple
        return None
    return returned if isinstance(returned, type) else None


# --- the codec: JSON with tagged arrays, frames and tuples ----------------------------


def encode(value) -> bytes:
    """``value`` as JSON bytes; TypeError for a type the codec does not know."""
    return json.dumps(_plain(value), separators=(",", ":")).encode()


def decode(data: bytes, returned: type | None = None):
    """The value :func:`encode` wrote; a tuple becomes ``returned`` when that is a
    named tuple (the type the cached function declares), never a type named in data."""
    value = _restore(json.loads(data))
    if returned is not None and issubclass(returned, tuple) and hasattr(returned, "_fields"):
        return returned(*value)
    return value


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return {_TAG: "scalar", "dtype": value.dtype.str, "value": value.item()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "items": [_plain(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("dict with keys other than strings")
        return {_TAG: "dict", "items": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, pd.DataFrame):
        index = value.index
        if not isinstance(index, pd.RangeIndex):
            raise TypeError("data frame without a plain range index")
        if not all(isinstance(c, str) for c in value.columns):
            raise TypeError("data frame with column names other than strings")
        return {
            _TAG: "frame",
            "range": [index.start, index.stop, index.step],
            "columns": {c: _array(value[c].to_numpy()) for c in value.columns},
        }
    raise TypeError(f"cannot share a {type(value).__name__}")


def _array(values: np.ndarray) -> dict:
    if values.ndim != 1:
        raise TypeError("array of more than one dimension")
    if values.dtype == object:
        return {_TAG: "array", "dtype": "object", "data": [_plain(v) for v in values.tolist()]}
    if values.dtype.kind not in "biuf":
        raise TypeError(f"array of dtype {values.dtype}")
    return {_TAG: "array", "dtype": values.dtype.str, "data": values.tolist()}


def _restore(value):
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value[_TAG]
    if tag == "scalar":
        return np.dtype(_numeric(value["dtype"])).type(value["value"])
    if tag == "tuple":
        return tuple(_restore(v) for v in value["items"])
    if tag == "dict":
        return {k: _restore(v) for k, v in value["items"].items()}
    if tag == "array":
        return _restore_array(value)
    if tag == "frame":
        start, stop, step = value["range"]
        columns = {c: _restore_array(a) for c, a in value["columns"].items()}
        return pd.DataFrame(columns, index=pd.RangeIndex(start, stop, step))
    raise ValueError(f"unknown tag {tag!r} in a shared view")


def _restore_array(value: dict) -> np.ndarray:
    if value["dtype"] == "object":
        data = value["data"]
        return np.fromiter((_restore(v) for v in data), dtype=object, count=len(data))
    return np.array(value["data"], dtype=_numeric(value["dtype"]))


def _numeric(dtype: str) -> np.dtype:
    """A numeric dtype from its string, nothing else (no object, no structured types)."""
    parsed = np.dtype(dtype)
    if parsed.kind not in "biuf":
        raise ValueError(f"dtype {dtype!r} in a shared view")
    return parsed
