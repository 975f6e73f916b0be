"""Edits to an editable table, as a browser sends them, checked before they are applied.

Streamlit applies a data editor's edits itself when the page runs, trusting what the browser sent.
A scripted client can address row 99 of a six-row table or a column that does not exist (an
`IndexError` or a `KeyError` inside Streamlit), or add 100,000 rows at once (Streamlit adds them
one by one, which held the server for 106 s). Pages call `problem_with` first, and drop the edits
with a message when it finds one; its own work is bounded by the limits it checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.base import language

EDIT_KINDS = ("edited_rows", "added_rows", "deleted_rows")
INDEX_COLUMN = "_index"  # Streamlit's name for the row label in added rows


def problem_with(edits: object, rows: int, columns: Sequence[str], max_rows: int) -> language.Message | None:
    """Why these edits to a table of `rows` rows and these columns cannot be applied (in the
    learner's language; `str()` is the English), or None."""
    if edits is None:
        return None
    if not isinstance(edits, dict) or not set(edits) <= set(EDIT_KINDS):
        return _said("unknown_form")
    edited, added, deleted = (
        edits.get("edited_rows") or {},
        edits.get("added_rows") or [],
        edits.get("deleted_rows") or [],
    )
    if not isinstance(edited, dict) or not isinstance(added, list) or not isinstance(deleted, list):
        return _said("unknown_form")
    if len(added) > max_rows or len(edited) > rows + len(added) or len(deleted) > rows + len(added):
        return _said("too_many_rows", max_rows=f"{max_rows:,}")
    allowed = {*columns, INDEX_COLUMN}
    for row in added:
        if not isinstance(row, dict) or not set(row) <= allowed:
            return _said("added_unknown_column")
        if not all(_cell(value) for value in row.values()):
            return _said("added_bad_value")
    total = rows + len(added)
    for position, changes in edited.items():
        if not _row_number(position, total):
            return _said("no_such_row", row=repr(str(position)[:20]))
        if not isinstance(changes, dict) or not set(changes) <= set(columns):
            return _said("changed_unknown_column")
        if not all(_cell(value) for value in changes.values()):
            return _said("changed_bad_value")
    if not all(_row_number(position, total) for position in deleted):
        return _said("deleted_missing")
    if total - len(set(deleted)) > max_rows:
        return _said("too_many_rows", max_rows=f"{max_rows:,}")
    return None


def _said(name: str, **values: object) -> language.Message:
    return language.Message(f"base.messages.table_edits.{name}", values)


def _row_number(position: object, rows: int) -> bool:
    """Whether `position` (a number, or its text as JSON keys are) is a row of the table."""
    if isinstance(position, bool):
        return False
    if isinstance(position, str) and position.isdigit() and len(position) <= 9:
        position = int(position)
    return isinstance(position, int) and 0 <= position < rows


def _cell(value: object) -> bool:
    """Whether a cell value is one a table cell can take: empty, a number or a short text."""
    return value is None or isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 100)
