"""The class, for its teachers (`TEACHERS`): each learner's exercises, best results, runs and last
visit, read from the progress database with one query per view; a certificate checked by its id."""

import streamlit as st

from core.base import text
from core.charts import class_charts
from ui import i18n
from ui import progress as learner_progress

words = i18n.words()
st.title(words("ui.teacher.title"))
if not learner_progress.is_teacher():  # the page is listed for teachers only; an address typed by hand ends here
    st.info(words("ui.teacher.teachers_only"), icon=":material/lock:")
    st.stop()
store = learner_progress.store()
if store is None:
    st.warning(words("ui.teacher.no_database"), icon=":material/cloud_off:")
    st.stop()

st.markdown(words("ui.teacher.intro"))
learners = store.class_overview()
st.plotly_chart(class_charts.lesson_progress_chart(store.lesson_progress(), words=words))

typed = st.text_input(words("ui.teacher.filter_label"), placeholder=words("ui.teacher.filter_placeholder"))
shown = class_charts.matching(learners, typed)
table = class_charts.overview_table(shown, words=words)
st.caption(words("ui.teacher.count", shown=len(shown), learners=len(learners)))
if shown:
    st.dataframe(table, hide_index=True)
    st.download_button(
        words("ui.teacher.download"),
        table.to_csv(index=False).encode(),
        file_name="class-progress.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )

st.subheader(words("ui.teacher.certificate_heading"))
certificate_id = st.text_input(words("ui.teacher.certificate_label"), max_chars=64).strip().lower()
if certificate_id:
    found = store.certificate(certificate_id)
    if found is None:
        st.warning(words("ui.teacher.certificate_unknown", id=text.plain(certificate_id)), icon=":material/help:")
    else:
        name = next((learner.name for learner in learners if learner.learner_id == found.learner_id), "")
        issued = found.issued_at.strftime("%Y-%m-%d %H:%M")
        st.success(
            words("ui.teacher.certificate_found", name=text.plain(name), issued=issued), icon=":material/verified:"
        )
        for line in class_charts.certificate_lines(found.payload, words=words):
            st.markdown(f"- {text.plain(line)}")
