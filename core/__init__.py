"""All training, data and visualisation logic of the dashboard. Never imports Streamlit.

TensorFlow's thread pools are sized here, before any module of the package imports TensorFlow
(it reads them once, when its runtime starts): as wide as the machine, shared by the trainings
in turn (`core.base.threads`, with the measurements behind the rule).
"""

from core.base import threads as _threads

_threads.configure_tensorflow()
