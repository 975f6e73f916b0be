"""All training, data and visualisation logic of the dashboard. Never imports Streamlit.

TensorFlow's thread pools are set here, before any module of the package imports TensorFlow
(it reads them once, when its runtime starts). The course's networks are small: TensorFlow's
default pools, as wide as the machine, spent about twice the CPU of one thread on the same
training (Lesson 2 at its defaults: 5.8 s of CPU in 4.6 s, against 2.2 s in 2.2 s on one thread;
Lesson 3: 4.8 s against 2.9 s, in the same time). So each training gets the cores divided by the
training slots (one thread each on two cores with two slots), and the slots run side by side.
`TF_NUM_INTRAOP_THREADS` and `TF_NUM_INTEROP_THREADS`, when set, are left as they are.
"""

import os as _os


def _threads_per_training() -> int:
    slots = _os.environ.get("TRAINING_SLOTS", "").strip()
    cores = _os.cpu_count() or 1
    return max(1, cores // int(slots)) if slots.isdigit() and int(slots) > 0 else 1


_os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(_threads_per_training()))
_os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
