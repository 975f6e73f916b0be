"""Benchmarks: the dashboard's trainers against stock `model.fit`, in one process.

Run with `python -m bench <name>`; the last line printed is one JSON object with the figures.
"""
