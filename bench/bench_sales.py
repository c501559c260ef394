"""Sales per second through the service layer vs pgbench tpcb-like, same server, same run.

Each of 8 concurrent clients is a POS terminal with its own boleta serie, selling 3-line
tickets (kardex included) from a catalogue of 300 SKUs in one store. pgbench runs its built-in
tpcb-like script with 8 clients against another database of the same server. The figure that
matters is the ratio (goal: at least 0.5x), because these machines are shared and noisy.

The two sides alternate in rounds (default 3 x 10 s each), and the median of the rounds'
ratios is the result: on a shared machine the load drifts within a minute.

Each round also runs the same 8 terminals as threads of one server process whose sales go
through a ``SalesWriter`` (written together, one statement a batch: migration 0010), as a till
server or the REST API would write them.

Usage: uv run python bench/bench_sales.py [--seconds 10] [--rounds 3] [--clients 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import threading
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from erp_core import db, migrate
from erp_core.domain.documents import make_ruc
from erp_core.services import catalog
from erp_core.services.adjustments import StockLineInput, record_opening_balance
from erp_core.services.sales import PaymentInput, SaleLineInput, SaleRequest, sell
from erp_core.services.sales_writer import SalesWriter

SKUS = 300
WRITER_CONNECTIONS = 2  # best for 8 terminals on 2 cores (1, 3 and 4: 8 % slower, docs)


def prepare(url: str, clients: int) -> None:
    migrate.upgrade(url)
    with db.connect(url) as conn:
        catalog.create_store(conn, "0001", "Tienda Benchmark", "Lima", "Lima Metropolitana")
        for i in range(clients):
            catalog.create_series(conn, "0001", "03", f"B{i + 1:03d}")
        supplier = catalog.create_supplier(conn, make_ruc("20", 55555555), "Proveedor SAC")
        sub = catalog.ensure_subcategory(conn, "Abarrotes", "Varios", "Varios")
        for i in range(SKUS):
            catalog.create_product(conn, f"B{i:05d}", f"Producto {i}", "Marca", sub, supplier,
                                   Decimal("5.90"))  # fmt: skip
        lines = [
            StockLineInput(f"B{i:05d}", Decimal(1_000_000), Decimal("3.10")) for i in range(SKUS)
        ]
        record_opening_balance(conn, "bench-opening", "0001", lines)
        conn.execute("analyze")  # a production database has statistics; a fresh one not yet


def sell_for(sell_one, index: int, seconds: float, round_no: int, start, keys: str) -> int:
    """One POS terminal's loop: warm up (imports, prepared statements), wait for ``start()``,
    then sell 3-line tickets for ``seconds``; returns how many it sold. ``keys`` prefixes the
    idempotency keys, one prefix a way of selling (a key used twice would be a replay)."""
    rng = random.Random(index * 1000 + round_no)
    for warm in range(6):  # psycopg prepares a statement on its 5th execution
        sell_one(ticket(rng, f"{keys}warm-{round_no}-{index}-{warm}", index))
    start()
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sell_one(ticket(rng, f"{keys}-{round_no}-{index}-{done}", index))
        done += 1
    return done


def terminal(url: str, index: int, seconds: float, round_no: int, ready, go, results) -> None:
    """One POS terminal process on its own connection.

    Autocommit, as a POS terminal's connection is: each sale is its own transaction.
    """
    with db.connect(url, autocommit=True) as conn:

        def start() -> None:
            ready.put(index)
            go.wait()

        results.put(sell_for(partial(sell, conn), index, seconds, round_no, start, "bench"))


def ticket(rng: random.Random, key: str, terminal_index: int) -> SaleRequest:
    """A 3-line boleta of distinct random SKUs on the terminal's own serie."""
    skus = rng.sample(range(SKUS), 3)
    return SaleRequest(
        key, "0001", [SaleLineInput(f"B{s:05d}", Decimal(1)) for s in skus],
        [PaymentInput("yape", Decimal("17.70"))], serie=f"B{terminal_index + 1:03d}",
    )  # fmt: skip


def backend_cpu(pid: int) -> float | None:
    """CPU seconds a Postgres backend has used, from /proc (None: not on this machine)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_sale(url: str, sales: int = 1000) -> str:
    """CPU of one terminal and of its Postgres backend per sale, alone on the server.

    Steadier than the 8-client ratio on a shared machine: CPU time, not wall time. The
    backend's CPU is read from /proc, so only for a server on this machine.
    """
    rng = random.Random(0)
    with db.connect(url, autocommit=True) as conn:
        for warm in range(6):
            sell(conn, ticket(rng, f"cpu-warm-{warm}", 0))
        client, backend = time.process_time(), backend_cpu(conn.info.backend_pid)
        for n in range(sales):
            sell(conn, ticket(rng, f"cpu-{n}", 0))
        client = time.process_time() - client
        backend_after = backend_cpu(conn.info.backend_pid)
    text = f"one connection, {sales:,} sales: client {1000 * client / sales:.2f} ms"
    if backend is None or backend_after is None:
        return text + " of CPU a sale (backend not on this machine)"
    return text + f", backend {1000 * (backend_after - backend) / sales:.2f} ms of CPU a sale"


def run_services(url: str, clients: int, seconds: float, round_no: int) -> float:
    ready, go, results = mp.Queue(), mp.Event(), mp.Queue()
    procs = [mp.Process(target=terminal, args=(url, i, seconds, round_no, ready, go, results))
             for i in range(clients)]  # fmt: skip
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    go.set()
    total = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def through_writer(url: str, clients: int, seconds: float, round_no: int, results) -> None:
    """The same terminals as threads of one server process that writes their sales together.

    As a till server or the REST API would: the terminals' sales go through one
    ``SalesWriter`` (``WRITER_CONNECTIONS`` connections), each batch one statement. Puts the
    sales sold, and the CPU seconds of this process and of the writer's backends meanwhile.
    """
    with SalesWriter(url, connections=WRITER_CONNECTIONS) as writer:
        backends = [conn.info.backend_pid for conn in writer._conns]
        counts = [0] * clients
        start = threading.Barrier(clients + 1)

        def terminal(index: int) -> None:
            counts[index] = sell_for(writer.sell, index, seconds, round_no, start.wait, "writer")

        threads = [threading.Thread(target=terminal, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        start.wait()
        python, server = time.process_time(), [backend_cpu(pid) for pid in backends]
        for thread in threads:
            thread.join()
        python = time.process_time() - python
        if None in server:
            server = None
        else:
            server = sum(backend_cpu(pid) for pid in backends) - sum(server)
    results.put((sum(counts), python, server))


def run_writer(url: str, clients: int, seconds: float, round_no: int) -> tuple[float, str]:
    """Sales a second through a ``SalesWriter``, and where their CPU went."""
    results = mp.Queue()
    process = mp.Process(target=through_writer, args=(url, clients, seconds, round_no, results))
    process.start()
    sold, python, server = results.get()
    process.join()
    split = f"Python {1000 * python / sold:.2f} ms"
    if server is not None:
        split += f" + backends {1000 * server / sold:.2f} ms"
    return sold / seconds, split + " of CPU a sale"


def pgbench_binary() -> str:
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
    return str(bundled) if bundled.exists() else shutil.which("pgbench")


def pgbench_env(url: str) -> dict[str, str]:
    params = conninfo_to_dict(url)
    return {
        **os.environ,
        "PGHOST": params.get("host", ""),
        "PGUSER": params.get("user", ""),
        "PGPORT": str(params.get("port", "5432")),
        "PGPASSWORD": params.get("password", ""),
    }


def init_pgbench(url: str) -> None:
    name = conninfo_to_dict(url)["dbname"]
    subprocess.run([pgbench_binary(), "-i", "-q", "-s", "10", name], env=pgbench_env(url),
                   check=True, capture_output=True)  # fmt: skip


def pgbench_tps(url: str, script: list[str], clients: int, seconds: float) -> float:
    """Transactions a second of a pgbench run of ``script`` (e.g. ``["-b", "tpcb-like"]``)."""
    out = subprocess.run(
        [pgbench_binary(), *script, "-c", str(clients), "-j", "2", "-T", str(int(seconds)),
         conninfo_to_dict(url)["dbname"]],
        env=pgbench_env(url), check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def run_pgbench(url: str, clients: int, seconds: float) -> float:
    return pgbench_tps(url, ["-b", "tpcb-like"], clients, seconds)


def print_header(clients: int, rounds: int, seconds: float) -> None:
    when = dt.datetime.now().isoformat(timespec="seconds")
    print(f"date: {when}  machine: {platform.machine()} {os.cpu_count()} cores  "
          f"clients: {clients}  rounds: {rounds} x {seconds:g} s a side  "
          f"load: {os.getloadavg()}")  # fmt: skip


def round_arguments() -> argparse.ArgumentParser:
    """The sales benches' common options: seconds a round and side, rounds."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10, help="per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    return parser


def main() -> None:
    parser = round_arguments()
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    server = db.server_url()
    sales_db = db.create_database(server, "bench_sales")
    pgbench_db = db.create_database(server, "bench_pgbench")
    print_header(args.clients, args.rounds, args.seconds)
    ratios, writer_ratios = [], []
    try:
        prepare(sales_db, args.clients)
        print(cpu_per_sale(sales_db))
        init_pgbench(pgbench_db)
        # Interleaved rounds: the load other work puts on a shared machine drifts, and each
        # ratio compares two measurements taken seconds apart.
        for round_no in range(args.rounds):
            services_tps = run_services(sales_db, args.clients, args.seconds, round_no)
            writer_tps, writer_cpu = run_writer(sales_db, args.clients, args.seconds, round_no)
            pgbench_tps = run_pgbench(pgbench_db, args.clients, args.seconds)
            ratios.append(services_tps / pgbench_tps)
            writer_ratios.append(writer_tps / pgbench_tps)
            print(f"round {round_no + 1}: sales/s (3 lines + kardex) {services_tps:,.1f} "
                  f"({ratios[-1]:.2f}x), through a SalesWriter {writer_tps:,.1f} "
                  f"({writer_ratios[-1]:.2f}x: {writer_cpu});  "
                  f"tpcb-like tps {pgbench_tps:,.1f}")  # fmt: skip
    finally:
        db.drop_database(server, sales_db)
        db.drop_database(server, pgbench_db)
    print(f"load after: {os.getloadavg()}")
    print(f"ratio, each terminal on its own connection: median {statistics.median(ratios):.2f}x; "
          f"through a SalesWriter: median {statistics.median(writer_ratios):.2f}x "
          "(goal >= 0.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
