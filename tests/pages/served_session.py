"""A page in miniature for a real `streamlit run` (tests/pages/test_training_jobs.py): its first
run keeps 200 MB in this session, as decoded photos would be kept, with a mark that is written
to SESSIONS_ENDED_DIR when the session's state is let go. Every run shows, as JSON text, this
session's id, when its state was made, the sessions whose state has gone, and the server's
resident memory."""

import json
import os
import time
import weakref
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import training_jobs  # noqa: F401 - what every page of the app imports, the guards included

ended = Path(os.environ["SESSIONS_ENDED_DIR"])
session_id = get_script_run_ctx().session_id
if "photos" not in st.session_state:
    photos = np.ones(200 * 2**20, dtype=np.uint8)  # every page touched, so resident
    weakref.finalize(photos, (ended / session_id).touch)
    st.session_state["photos"] = photos
    st.session_state["made"] = time.time()
resident = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS:"))
shown = {
    "session": session_id,
    "made": st.session_state["made"],
    "ended": sorted(path.name for path in ended.iterdir()),
    "resident_mb": int(resident.split()[1]) / 1024,
}
st.text(json.dumps(shown))
