"""Every word a learner reads comes from a catalogue: no English sentence is written into a call
that shows text, in the pages, the shared widgets or the entry file. A check of the code, so a page
cannot keep an English string that the Korean visit would show."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPOSITORY

# Streamlit calls whose positional arguments a learner reads (labels, Markdown, messages, options).
TEXT_CALLS = {
    *("title", "header", "subheader", "markdown", "caption", "write", "text", "code", "toast", "spinner", "status"),
    *("info", "warning", "error", "success", "exception", "metric", "progress", "image", "table", "dataframe"),
    *("button", "download_button", "form_submit_button", "link_button", "page_link", "expander", "popover", "tabs"),
    *("checkbox", "toggle", "radio", "selectbox", "multiselect", "select_slider", "slider", "segmented_control"),
    *("pills", "number_input", "text_input", "text_area", "file_uploader", "camera_input", "color_picker"),
}
# Keyword arguments a learner reads, in any call.
TEXT_KEYWORDS = {"help", "label", "caption", "placeholder", "text", "title"}
# Words a learner reads: two or more, or one of three letters or more ("Epochs"). A key
# ("cv_seed"), an icon (":material/map:"), a page's file or a MIME type is not.
SENTENCE = re.compile(r"[A-Za-z]{2,}[,;:.'’)-]*\s+\W*[A-Za-z]{2,}")
WORD = re.compile(r"^[^A-Za-z/_:.]*[A-Za-z]{3,}[^A-Za-z/_:.]*$")
# Keras's own spellings, shown as Keras writes them (the issue: API names stay as Keras spells them):
# optimizers, activations, and the keys of the logs a callback reads (logs["accuracy"]).
KERAS_NAMES = {"adam", "sgd", "rmsprop", "relu", "sigmoid", "tanh", "softmax", "linear", "accuracy", "loss"}
LOGGERS = re.compile(r"log", re.IGNORECASE)  # log lines are for the operator, in English


def sources() -> list[Path]:
    return sorted([REPOSITORY / "streamlit_app.py", *REPOSITORY.glob("pages/*.py"), *REPOSITORY.glob("ui/**/*.py")])


def english(node: ast.AST) -> str | None:
    """The English in a literal argument (a string, an f-string's fixed text, a list of them), if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text in KERAS_NAMES or text.startswith(":material/"):
            return None
        return text if SENTENCE.search(text) or WORD.match(text) else None
    if isinstance(node, ast.JoinedStr):
        fixed = " ".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return fixed if SENTENCE.search(fixed) else None
    if isinstance(node, ast.List | ast.Tuple):
        return next((found for element in node.elts if (found := english(element))), None)
    if isinstance(node, ast.BinOp):
        return english(node.left) or english(node.right)
    if isinstance(node, ast.IfExp):
        return english(node.body) or english(node.orelse)
    return None


def written_english(path: Path) -> list[str]:
    """Each literal sentence passed to a call that shows it, as "file:line: text"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        receiver = function.value if isinstance(function, ast.Attribute) else None
        if isinstance(receiver, ast.Name) and LOGGERS.search(receiver.id):
            continue
        arguments = list(node.args) if name in TEXT_CALLS else []
        if any(keyword.arg == "format_func" for keyword in node.keywords):
            arguments = arguments[:1]  # the options are values; what is shown is format_func's
        arguments += [keyword.value for keyword in node.keywords if keyword.arg in TEXT_KEYWORDS]
        for argument in arguments:
            if text := english(argument):
                found.append(f"{path.relative_to(REPOSITORY)}:{node.lineno}: {text[:80]!r}")
    return found


def test_no_english_is_written_into_what_a_learner_reads():
    found = [line for path in sources() for line in written_english(path)]
    assert not found, f"{len(found)} literal texts, not from a catalogue:\n" + "\n".join(found)


def test_the_check_finds_a_literal_label_a_message_and_an_f_string(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "st.slider('Learning rate', 0, 1, key='cv_lr')\n"
        "st.info(f'{count} images are wrong')\n"
        "st.button(i18n.t('ui.train'), help='Starts the training')\n"
        "logger.warning('Closed session %s', 3)\n"
        "st.page_link('pages/home.py', icon=':material/map:')\n"
    )
    original = REPOSITORY
    try:
        globals()["REPOSITORY"] = tmp_path
        assert [line.split(": ", 1)[1] for line in written_english(page)] == [
            "'Learning rate'",
            "' images are wrong'",
            "'Starts the training'",
        ]
    finally:
        globals()["REPOSITORY"] = original
