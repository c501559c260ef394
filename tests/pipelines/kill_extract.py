"""Run the extract of the current settings and SIGKILL this process half-way through it.

``python -m tests.pipelines.kill_extract N`` dies right after the N-th table was loaded, inside
the extract's transaction: what a power cut or an OOM kill does to a running pipeline.
"""

from __future__ import annotations

import os
import signal
import sys

from pipelines import extract
from tests.pipelines.helpers import open_writer


def main(after: int) -> None:
    load_table = extract._extract_table
    loaded = 0

    def load_then_maybe_die(*args, **kwargs):
        nonlocal loaded
        load = load_table(*args, **kwargs)
        loaded += 1
        if loaded >= after:
            os.kill(os.getpid(), signal.SIGKILL)
        return load

    extract._extract_table = load_then_maybe_die
    with open_writer() as con:
        extract.extract(con)


if __name__ == "__main__":
    main(int(sys.argv[1]))
