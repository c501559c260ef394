"""The bytes behind a download button in an AppTest run.

AppTest keeps a run's media (download payloads) in an in-memory store it does not expose; the
store outlives the run until collected, so it is found among live objects by the button's URL.
"""

from __future__ import annotations

import gc

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


def downloaded(app, label: str) -> bytes:
    buttons = [b for b in app.get("download_button") if b.proto.label == label]
    assert buttons, f"no download button {label!r}"
    file_id = buttons[0].proto.url.rsplit("/", 1)[-1].split(".")[0]
    for store in gc.get_objects():
        if isinstance(store, MemoryMediaFileStorage):
            try:
                return store.get_file(file_id).content
            except Exception:  # another run's store
                continue
    raise AssertionError(f"the file behind {label!r} is gone")
