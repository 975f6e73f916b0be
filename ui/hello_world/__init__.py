"""Lesson 1's own widgets: the settings form's groups (`line_settings`). Only Lesson 1's page imports them."""
