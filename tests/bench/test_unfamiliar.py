"""The flag "unlike anything the network trained on", measured as the README reports it: the
course's network trained on horse-or-human (CI sets HORSE_OR_HUMAN_DIR), judged on its held-out
photos and on the real photos scikit-image ships."""

from __future__ import annotations

import json
import os

import pytest

from bench import unfamiliar


def test_the_flag_rarely_fires_on_held_out_photos_and_mostly_on_real_ones(test_output):
    if not os.environ.get("HORSE_OR_HUMAN_DIR"):
        pytest.fail("set HORSE_OR_HUMAN_DIR to the horse-or-human training set (bash .ci/run does)")
    result = unfamiliar.run()
    (test_output / "unfamiliar.json").write_text(json.dumps(result, indent=2))
    assert result["held_out_photos"] >= 200 and result["real_photos"] == len(unfamiliar.REAL_PHOTOS)
    assert result["held_out_flagged"] <= 0.05, result
    assert result["real_photos_flagged"] >= 0.8 and result["real_faces_flagged"] >= 0.8, result
