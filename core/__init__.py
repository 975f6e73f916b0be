"""All training, data and visualisation logic of the dashboard. Never imports Streamlit.

The server's settings are read here from the environment, once (`core.base.settings`), and
TensorFlow's thread pools are sized from them before any module of the package imports TensorFlow
(it reads them once, when its runtime starts): as wide as the machine, shared by the trainings
in turn (`core.base.threads`, with the measurements behind the rule). A setting that cannot mean
anything is refused here, with a `ValueError` naming the variable and what it expects.
"""

from core.base import threads as _threads

_threads.configure_tensorflow()
