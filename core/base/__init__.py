"""The light base: what every page, the sidebar and the job records use without loading TensorFlow.

The lesson registry (`course`); a training's history, progress and stopping rule (`history`); job
records with their lifecycle and fair queue (`jobs`, `fair_queue`, `job_board`, `cluster`); run
tables (`runs`); the graded exercises' rules (`exercises`); the server's settings, read from the
environment once into one frozen object (`settings`), and what follows from them: threads and
precision (`threads`, `precision`, read before TensorFlow starts), limits and hosting rules
(`limits`, `hosting`, `session_files`); experiment links (`links`) and small text helpers.
Nothing here imports TensorFlow or Streamlit (tests/test_architecture.py checks both).
"""
