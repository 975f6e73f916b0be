"""Lesson 3: placeholder until its step lands."""

from pages import components

components.coming_next_ui(3)
