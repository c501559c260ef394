"""Concurrent callers' sales written together: one ``post_sales`` statement for many sales.

Why: a sale's server time is mostly per statement (executor start-up, constraint and foreign-key
set-up, the commit), not per row, so writing the sales that arrive together in one statement
costs the server a fraction of one statement each (migration 0010 has the figures). A server
process that takes sales from many terminals (the REST API, a store's till server) gives each
caller ``SalesWriter.sell``, which answers exactly as ``sales.sell`` does.

No timer: a writer thread takes every sale waiting when it is free, so an idle writer answers a
lone sale at once, and a busy one gathers what arrived while it wrote the last batch.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from erp_core import db
from erp_core.services.sales import SaleRequest, SaleResult, sell_many

_STOP = object()


class SalesWriter:
    """Writes sales given by any number of threads, in batches, over ``connections`` connections.

    Each sale is its own: refused alone (its caller gets the error ``sell`` raises), committed
    with its batch. Use as a context manager, or ``close()`` when done.
    """

    def __init__(self, url: str | None = None, connections: int = 1, max_batch: int = 32):
        self._url = url
        self._max_batch = max_batch
        self._closed = False
        self._waiting: queue.SimpleQueue = queue.SimpleQueue()
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
        self._waiting.put((request, answer))
        return answer.result()

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

    def _write(self, n: int) -> None:
        """Writer thread ``n``, on connection ``n``: batch after batch until told to stop."""
        while True:
            item = self._waiting.get()
            if item is _STOP:
                return
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    item = self._waiting.get_nowait()
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
