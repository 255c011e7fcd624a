"""Drawing a run's figures: in this process, or in one worker process beside the rest.

A figure is a pure function of its spec (``meta.figures``). At a thousand sleeves the twenty
figures of five risk profiles take about as long as every other artifact together, most of it
matplotlib's own per-figure work, so on a machine with two or more CPUs a large run hands its
specs to one worker process and writes its JSON, CSV and report meanwhile. The worker returns
the bytes this process would have drawn (an SVG depends on its spec and the matplotlib version
only). Small runs draw in process: starting a worker (an interpreter that imports matplotlib,
about half a second) would cost more than it saves.

The worker is ``python -m tradingview_scraper.figure_drawer``, fed length-prefixed pickles on
its stdin, not a ``multiprocessing`` pool: those start their workers by importing the caller's
``__main__`` again, which would rerun any script that calls the pipeline without a
``if __name__ == "__main__"`` guard. Only this process's own specs and the worker's own SVG
bytes cross the pipe. If the worker cannot start, fails or dies, what it did not return is
drawn in process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["WORKER_MIN_CELLS", "FigureDrawer", "usable_cpus"]

# Return-matrix cells (days x sleeves, summed over the run's root profiles) from which a worker
# pays: at 1,000 sleeves x 2,520 days x 5 risk profiles (12.6 million) it saves about 2 s.
WORKER_MIN_CELLS = 1_000_000

_HEADER = struct.Struct(">Q")
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _draw(spec: Mapping[str, Any]) -> bytes:
    from .meta._figure_draw import render_svg  # matplotlib is imported on first use only

    return render_svg(spec)


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # our own worker's, or our parent's, message


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The worker: draw each ``(key, spec)`` request and reply ``(key, svg)`` until EOF."""
    from .meta import _figure_draw  # noqa: F401  (import matplotlib before the first request)

    while (request := _receive(requests)) is not None:
        key, spec = request
        _send(replies, (key, _draw(spec)))


class FigureDrawer:
    """Collects figure specs by path and returns their SVG bytes (``results``).

    With ``worker=True`` a worker process is started at once and draws the specs one at a time
    as they arrive, oldest first; ``results`` then draws the ones it has not started, newest
    first, in this process, so both finish together. Without a worker every spec is drawn by
    ``results``. Use it as a context manager: the worker is stopped on exit, whatever happened.
    """

    def __init__(self, *, worker: bool) -> None:
        self._specs: dict[str, Mapping[str, Any]] = {}
        self._drawn: dict[str, bytes] = {}
        self._pending: deque[str] = deque()  # paths the worker has not been sent yet
        self._busy = False  # the worker holds a request
        self._closed = False
        self._ready = threading.Condition()
        self._process: subprocess.Popen[bytes] | None = None
        self._threads: list[threading.Thread] = []
        if worker:
            self._start()

    @property
    def uses_worker(self) -> bool:
        return self._process is not None

    def _start(self) -> None:
        path = os.pathsep.join(p for p in (_PACKAGE_PARENT, os.environ.get("PYTHONPATH")) if p)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": path},
            )
        except OSError:  # no processes here (or no interpreter to start): draw in process
            self._process = None
            return
        assert self._process.stdin is not None and self._process.stdout is not None
        self._threads = [
            threading.Thread(target=self._feed, args=(self._process.stdin,), daemon=True),
            threading.Thread(target=self._collect, args=(self._process.stdout,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _feed(self, requests: IO[bytes]) -> None:
        """Send the oldest pending spec whenever the worker is idle; close its stdin at the end."""
        try:
            while True:
                with self._ready:
                    self._ready.wait_for(lambda: self._closed or (self._pending and not self._busy))
                    if self._closed:  # results() took the rest; the worker ends with its last
                        break
                    path = self._pending.popleft()
                    self._busy = True
                _send(requests, (path, self._specs[path]))
        except (OSError, ValueError):  # the worker is gone: results() draws what is missing
            pass
        finally:
            with contextlib.suppress(OSError):
                requests.close()

    def _collect(self, replies: IO[bytes]) -> None:
        try:
            while (reply := _receive(replies)) is not None:
                path, svg = reply
                with self._ready:
                    self._drawn[path] = svg
                    self._busy = False
                    self._ready.notify_all()
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass
        finally:
            with self._ready:  # the worker stopped: nothing is in its hands any more
                self._busy = False
                self._ready.notify_all()

    def draw(self, path: str, spec: Mapping[str, Any]) -> None:
        self._specs[path] = spec
        if self._process is not None:
            with self._ready:
                self._pending.append(path)
                self._ready.notify_all()

    def results(self) -> dict[str, bytes]:
        """Path -> SVG bytes of every spec given to ``draw``, in the order given."""
        while True:
            with self._ready:
                if not self._pending:
                    break
                path = self._pending.pop()  # the newest: the worker takes the oldest
            self._drawn[path] = _draw(self._specs[path])
        self._finish(kill=False)
        return {
            path: self._drawn[path] if path in self._drawn else _draw(spec)
            for path, spec in self._specs.items()
        }

    def _finish(self, *, kill: bool) -> None:
        if self._process is None:
            return
        with self._ready:
            self._closed = True
            self._pending.clear()
            self._ready.notify_all()
        if kill:
            self._process.kill()
        for thread in self._threads:
            thread.join()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()
        self._process = None

    def __enter__(self) -> FigureDrawer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish(kill=True)


if __name__ == "__main__":
    _replies = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by accident can corrupt the replies
    serve(sys.stdin.buffer, _replies)
