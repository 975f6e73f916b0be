"""The notice board a Ray cluster's training jobs share with the Streamlit server.

One small actor per server: each job pins up its latest progress, and reads whether a learner
pressed Stop; the server reads the board when a page polls. It stores progress as the bytes the
job sent and never opens them, so this module imports only the standard library and the actor
starts in a moment, without TensorFlow.
"""

from __future__ import annotations


class JobBoard:
    """Jobs' latest progress (opaque bytes) and the Stop requests, by job id."""

    def __init__(self) -> None:
        self._progress: dict[str, bytes] = {}
        self._stop_requested: set[str] = set()

    def publish(self, job_id: str, progress: bytes) -> None:
        self._progress[job_id] = progress

    def request_stop(self, job_id: str) -> None:
        self._stop_requested.add(job_id)

    def stop_requested(self, job_id: str) -> bool:
        return job_id in self._stop_requested

    def read(self, job_ids: list[str]) -> dict[str, bytes | None]:
        """Each job's latest progress, None before its first."""
        return {job_id: self._progress.get(job_id) for job_id in job_ids}

    def forget(self, job_id: str) -> None:
        self._progress.pop(job_id, None)
        self._stop_requested.discard(job_id)
