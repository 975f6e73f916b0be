"""Streamlit widgets the lesson pages share: training as a job with progress and Stop, run
history, results, "show the code", experiment links and guarded uploads (`components`); the
server's one job runner, who the learner is and their sidebar list of trainings
(`training_jobs`); the graded exercises' record and certificate (`exercise_record`); what the
server does with messages no browser sends (`server_guards`); and every value kept in a
learner's session, typed, with the shared widgets' keys (`session`). Pages import these; nothing
here imports a page. A lesson's own groups of widgets sit in a package named by its key
(`convolutions`, `real_world_images`), imported by that lesson's page only.
"""
