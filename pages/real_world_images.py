"""Lesson 4, "Using real-world images": horse-or-human, your own folders, and classifying uploads."""

from __future__ import annotations

import streamlit as st

from core.base import course, text
from core.real_world_images import class_words, exercise, exports, network, teaching, trainings
from ui import components, exercise_record, i18n, training_jobs
from ui.real_world_images import course_network, photo_classifier, photo_sources, teach_it

LESSON = course.REAL_WORLD_IMAGES
DIAGNOSIS_STYLE = {  # how loudly each reading of the curves is shown
    network.Learning.NOT_LEARNING: st.warning,
    network.Learning.STILL_LEARNING: st.info,
    network.Learning.OVERFITTING: st.warning,
    network.Learning.GENERALISES: st.success,
}


def exercise_ui() -> None:
    """Week 4's graded exercise: happy or sad, stopped by the callback at 99.9%."""
    with components.exercise_panel(LESSON, exercise.EXERCISE, key="rw_exercise") as opened:
        faces = photo_sources.faces_ui() if opened else None
        if faces is not None:
            with st.form("rw_exercise_settings"):
                model_column, training_column = st.columns(2)
                blocks = model_column.slider(i18n.t("real_world_images.settings.blocks"), 1, 5, 3, key="rwx_blocks")
                learning_rate = model_column.select_slider(
                    i18n.t("real_world_images.settings.learning_rate"), (0.0001, 0.001, 0.01), value=0.001, key="rwx_lr"
                )
                epochs = training_column.slider(
                    i18n.t("real_world_images.settings.epochs"), 1, 30, exercise.EPOCHS, key="rwx_epochs"
                )
                callback = components.callback_ui("rwx_callback", exercise.TARGET)
                submitted = st.form_submit_button(i18n.t("real_world_images.exercise.train_and_grade"), type="primary")
            if submitted:
                config = exercise.exercise_config(blocks, learning_rate, epochs, callback)
                face_photos = trainings.photos_to_train_on(photo_sources.photos_at(faces, config.image_size), 2)
                components.start_exercise(LESSON, trainings.training_job(config, face_photos), callback)
            attempt = components.exercise_attempt_ui(LESSON)
            if attempt is not None:
                run, callback = attempt
                exercise_record.grade_ui(exercise.grade_happy_or_sad(run.config, callback, run.history))


st.title(i18n.lesson_heading(LESSON))
training_jobs.jobs_indicator_ui()
st.markdown(i18n.t("real_world_images.intro"))
exercise_ui()

folder = photo_sources.source_ui()
if folder is None:
    st.stop()
validation_folder = photo_sources.validation_folder()

st.subheader(i18n.t("real_world_images.pictures.header"))
photo_sources.pictures_ui(folder)
st.markdown(
    i18n.t("real_world_images.pictures.unlike", what=class_words.what_to_learn(folder.class_names, words=i18n.words()))
)

st.subheader(i18n.t("real_world_images.settings.header"))
config, submitted = course_network.settings_ui()
components.experiment_link_ui(LESSON)
training_photos = course_network.training_photos_ui(folder, validation_folder, config)
if submitted and training_photos is not None:
    components.start_training(LESSON, trainings.training_job(config, training_photos))
run = components.training_ui(LESSON)
if run is None:
    words = i18n.words()
    press_train = None
    if training_photos is not None:
        count, held_out = words.number(len(training_photos.labels)), words.percent(config.validation_split, 0)
        press_train = words("real_world_images.training.press_train", count=count, held_out=held_out)
    components.before_first_run_ui(LESSON, press_train)
    st.stop()

if run.config.own_photos:
    st.info(teaching.what_changed(run.config, run.history.epochs_run, words=i18n.words()), icon=":material/school:")
diagnosis = network.diagnose(run.history, len(folder.class_names), words=i18n.words())
if diagnosis is not None:
    DIAGNOSIS_STYLE[diagnosis.learning](diagnosis.message, icon=":material/psychology_alt:")
spread = network.validation_spread(run.history)
if spread is not None and spread.jumps:
    st.warning(network.spread_note(spread, run.config.learning_rate, words=i18n.words()), icon=":material/ssid_chart:")
components.classifier_results_ui(
    LESSON, run, folder.class_names, best_epoch=spread.best_epoch if spread is not None and spread.jumps else None
)

st.header(i18n.t("real_world_images.classify.header"))
first_class, last_class = text.plain(folder.class_names[0]), text.plain(folder.class_names[-1])
st.markdown(
    i18n.t(
        "real_world_images.classify.intro",
        last_class=last_class,
        first_class=first_class,
        try_these=class_words.try_these(folder.class_names, words=i18n.words()),
    )
)
candidates = photo_classifier.photos_to_classify_ui()
photo_classifier.classified_photos_ui(run, folder, validation_folder is not None, candidates)

teach_it.teach_ui(run, folder, validation_folder)

st.subheader(i18n.t("real_world_images.export.header"))
export_model, export_history = st.columns(2)
export_model.download_button(  # the file is written only when asked for, and never kept in the session
    i18n.t("real_world_images.export.model"), lambda: exports.model_file(run.model), file_name="real_world.keras"
)
export_history.download_button(
    i18n.t("real_world_images.export.history"),
    exports.history_csv(run.history),
    file_name="history.csv",
    mime="text/csv",
)
st.caption(i18n.t("real_world_images.export.never_loads"))
components.runs_ui(LESSON, log_scale=False)
components.show_code_ui(network.make_script(run.config, len(folder.class_names), words=i18n.words()), "real_world.py")
