"""Lesson 4, "Using real-world images": horse-or-human, your own folders, and classifying uploads."""

from __future__ import annotations

import streamlit as st

from core.base import course, text
from core.real_world_images import class_words, exercise, exports, network, teaching, trainings
from ui import components, exercise_record, training_jobs
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
                blocks = model_column.slider("Convolution blocks", 1, 5, 3, key="rwx_blocks")
                learning_rate = model_column.select_slider(
                    "RMSprop learning rate", (0.0001, 0.001, 0.01), value=0.001, key="rwx_lr"
                )
                epochs = training_column.slider("Epochs", 1, 30, exercise.EPOCHS, key="rwx_epochs")
                callback = components.callback_ui("rwx_callback", exercise.TARGET)
                submitted = st.form_submit_button("Train and grade", type="primary")
            if submitted:
                config = exercise.exercise_config(blocks, learning_rate, epochs, callback)
                face_photos = trainings.photos_to_train_on(photo_sources.photos_at(faces, config.image_size), 2)
                components.start_exercise(LESSON, trainings.training_job(config, face_photos), callback)
            attempt = components.exercise_attempt_ui(LESSON)
            if attempt is not None:
                run, callback = attempt
                exercise_record.grade_ui(exercise.grade_happy_or_sad(run.config, callback, run.history))


st.title(LESSON.heading)
training_jobs.jobs_indicator_ui()
st.markdown(
    "Fashion-MNIST was tidy: small grey images, the item centred. Real photos are large, in colour, and the "
    "subject can be anywhere, at any size, on any background. Here the course's network learns from folders of "
    "photos, where each sub-folder's name is the label, and then you show it pictures of your own."
)
exercise_ui()

folder = photo_sources.source_ui()
if folder is None:
    st.stop()
validation_folder = photo_sources.validation_folder()

st.subheader("The pictures")
photo_sources.pictures_ui(folder)
st.markdown(
    "Unlike Fashion-MNIST, no two photos are framed alike, so the network has to learn "
    f"{class_words.what_to_learn(folder.class_names)}, not where its pixels usually are. That needs more filters "
    "and more layers, and it overfits easily."
)

st.subheader("Train the course's network")
config, submitted = course_network.settings_ui()
components.experiment_link_ui(LESSON)
training_photos = course_network.training_photos_ui(folder, validation_folder, config)
if submitted and training_photos is not None:
    components.start_training(LESSON, trainings.training_job(config, training_photos))
run = components.training_ui(LESSON)
if run is None:
    if training_photos is not None and not components.training_active(LESSON):
        st.info(
            f"Press **Train**: the network trains on these {len(training_photos.labels):,} photos in the background "
            f"(with {config.validation_split:.0%} held out to validate), and you can look around the lesson while it "
            "does."
        )
    st.stop()

if run.config.own_photos:
    st.info(teaching.what_changed(run.config, run.history.epochs_run), icon=":material/school:")
diagnosis = network.diagnose(run.history, len(folder.class_names))
if diagnosis is not None:
    DIAGNOSIS_STYLE[diagnosis.learning](diagnosis.message, icon=":material/psychology_alt:")
spread = network.validation_spread(run.history)
if spread is not None and spread.jumps:
    st.warning(network.spread_note(spread, run.config.learning_rate), icon=":material/ssid_chart:")
components.classifier_results_ui(
    LESSON, run, folder.class_names, best_epoch=spread.best_epoch if spread is not None and spread.jumps else None
)

st.header("Classify your own photos")
first_class, last_class = text.plain(folder.class_names[0]), text.plain(folder.class_names[-1])
st.markdown(
    "The network's single output is a probability between 0 and 1. Above **0.5** it says "
    f"**{last_class}**, below it says **{first_class}**. {class_words.try_these(folder.class_names)} "
    "This is where you see what it really learned."
)
candidates = photo_classifier.photos_to_classify_ui()
photo_classifier.classified_photos_ui(run, folder, validation_folder is not None, candidates)

teach_it.teach_ui(run, folder, validation_folder)

st.subheader("Take it with you")
export_model, export_history = st.columns(2)
export_model.download_button(  # the file is written only when asked for, and never kept in the session
    "Download the model (.keras)", lambda: exports.model_file(run.model), file_name="real_world.keras"
)
export_history.download_button(
    "Download the history (CSV)", exports.history_csv(run.history), file_name="history.csv", mime="text/csv"
)
st.caption("The app never loads a model file you upload: opening an untrusted .keras file can run code.")
components.runs_ui(LESSON, log_scale=False)
components.show_code_ui(network.make_script(run.config, len(folder.class_names)), "real_world.py")
