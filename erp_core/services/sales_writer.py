"""Concurrent callers' sales written together: one ``post_sales`` statement for many sales.

Why: a sale's server time is mostly per statement (executor start-up, constraint and foreign-key
set-up, the commit), not per row, so writing the sales that arrive together in one statement
costs the server a fraction of one statement each (migration 0010 has the figures). A server
process that takes sales from many terminals (the REST API, a store's till server) gives each
caller ``SalesWriter.sell``, which answers exactly as ``sales.sell`` does.

A free writer thread takes every sale waiting; if that is fewer than its fill, it waits up to
``linger`` seconds for more. Terminals that each wait for their own sale arrive a few at a time
(8 of them through 2 connections: batches of 2.5 on average), and a batch of 4 costs the server
0.6 ms a sale against 1.4 ms for a lone one: lingering 0.5 ms for a fourth sale took 8
terminals from 1,454 to 1,812 sales a second (3 alternating rounds; 0.3 ms: 1,598, 2 ms:
1,667, filling to 6: 1,500). The best fill is the callers' share of a connection: 4 for 8
terminals on 2 connections, 8 for 16 (1,932–2,017 sales/s with a fill of 4, 2,218–2,342 with 8),
1 for a lone till, whose sale should not wait at all. So by default the fill follows the callers:
the most sales in flight at any of the last batches' starts, divided among the connections.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import deque
from concurrent.futures import Future

from erp_core import db
from erp_core.services.sales import SaleRequest, SaleResult, sell_many

_STOP = object()


class SalesWriter:
    """Writes sales given by any number of threads, in batches, over ``connections`` connections.

    Each sale is its own: refused alone (its caller gets the error ``sell`` raises), committed
    with its batch. A free writer waits up to ``linger`` seconds until ``fill`` sales are
    waiting (``linger=0``: it takes what waits); with no ``fill``, until its share of the
    callers' sales is (see the module). Use as a context manager, or ``close()``.
    """

    # Batch starts whose sales in flight set the fill: enough to forget callers who left.
    FILL_MEMORY = 64

    def __init__(
        self, url: str | None = None, connections: int = 1, max_batch: int = 32,
        fill: int | None = None, linger: float = 0.0005,
    ):  # fmt: skip
        self._url = url
        self._max_batch = max_batch
        self._fill, self._linger = fill, linger
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        self._recent_in_flight: deque[int] = deque(maxlen=self.FILL_MEMORY)
        self._closed = False
        # Not a SimpleQueue: on Python 3.11 its get(timeout=) can outlast the timeout when another
        # writer takes the sale that woke it, holding a lingering batch until the next sale comes.
        self._waiting: queue.Queue = queue.Queue()
        self._conns = [db.connect(url, autocommit=True) for _ in range(connections)]
        self._threads = [
            threading.Thread(target=self._write, args=(n,), name=f"sales-writer-{n}", daemon=True)
            for n in range(connections)
        ]
        for thread in self._threads:
            thread.start()

    def sell(self, request: SaleRequest) -> SaleResult:
        """Record ``request`` as ``sales.sell`` does; returns once its batch is committed."""
        if self._closed:
            raise RuntimeError("this SalesWriter is closed")
        answer: Future = Future()
        with self._in_flight_lock:
            self._in_flight += 1
        try:
            self._waiting.put((request, answer))
            return answer.result()
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def close(self) -> None:
        """Write what was given, then stop the writer threads and close their connections."""
        self._closed = True
        for _ in self._threads:
            self._waiting.put(_STOP)
        for thread in self._threads:
            thread.join()
        for conn in self._conns:
            conn.close()

    def __enter__(self) -> SalesWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _next(self, until: float | None):
        """The next waiting item; with ``until``, wait for one until then (else none waits)."""
        left = until - time.monotonic() if until is not None else 0
        return self._waiting.get(timeout=left) if left > 0 else self._waiting.get_nowait()

    def _batch_fill(self) -> int:
        """How many sales a free writer waits for: ``fill``, or its share of the callers'."""
        if self._fill is not None:
            return self._fill
        with self._in_flight_lock:  # two writers may ask at once
            self._recent_in_flight.append(self._in_flight)
            callers = max(self._recent_in_flight)
        return min(self._max_batch, math.ceil(callers / len(self._conns)))

    def _write(self, n: int) -> None:
        """Writer thread ``n``, on connection ``n``: batch after batch until told to stop."""
        while True:
            item = self._waiting.get()
            if item is _STOP:
                return
            batch = [item]
            fill = self._batch_fill()
            until = time.monotonic() + self._linger
            while len(batch) < self._max_batch:
                try:
                    item = self._next(until if len(batch) < fill else None)
                except queue.Empty:
                    break
                if item is _STOP:
                    self._waiting.put(_STOP)  # for this thread's next turn
                    break
                batch.append(item)
            try:
                if self._conns[n].broken:
                    self._conns[n] = db.connect(self._url, autocommit=True)
                outcomes = sell_many(self._conns[n], [request for request, _ in batch])
            except Exception as error:  # the server is gone: every caller hears it
                outcomes = [error] * len(batch)
            for (_, answer), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, Exception):
                    answer.set_exception(outcome)
                else:
                    answer.set_result(outcome)
