"""Lesson 3's filter and pooling against plain NumPy loops (uploads are tested in tests/core/data/test_uploads.py)."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest

from core.base import language
from core.convolutions import playground

RANDOM = np.random.default_rng(0)
ENGLISH = language.words("en")


def filter_by_loops(photo: np.ndarray, kernel, weight: float) -> np.ndarray:
    """The course's hand-written convolution: every valid 3×3 window times the kernel, summed, weighted, clipped."""
    kernel = np.asarray(kernel, dtype=np.float64)
    height, width = photo.shape
    result = np.zeros((height - 2, width - 2))
    for row in range(height - 2):
        for column in range(width - 2):
            window = photo[row : row + 3, column : column + 3]
            result[row, column] = min(max(float(np.sum(kernel * window)) * weight, 0.0), 255.0)
    return result


def pool_by_loops(image: np.ndarray) -> np.ndarray:
    """The course's hand-written pooling: the largest of each non-overlapping 2×2 block."""
    height, width = image.shape[0] // 2, image.shape[1] // 2
    result = np.zeros((height, width))
    for row in range(height):
        for column in range(width):
            result[row, column] = image[2 * row : 2 * row + 2, 2 * column : 2 * column + 2].max()
    return result


@pytest.mark.parametrize("name", list(playground.KERNEL_PRESETS))
def test_every_preset_matches_the_loop_reference(name):
    photo = RANDOM.uniform(0, 255, size=(20, 17)).astype(np.float32)
    kernel, weight = playground.KERNEL_PRESETS[name], playground.PRESET_WEIGHTS[name]
    filtered = playground.apply_filter(photo, kernel, weight)
    assert filtered.shape == (18, 15) and filtered.dtype == np.float32
    np.testing.assert_allclose(filtered, filter_by_loops(photo, kernel, weight), atol=1e-3)


def test_a_random_kernel_with_weight_matches_the_loop_reference():
    photo = RANDOM.uniform(0, 255, size=(20, 17)).astype(np.float32)
    kernel = RANDOM.normal(0, 2, size=(3, 3))
    reference = filter_by_loops(photo, kernel, 0.5)
    assert np.mean((reference > 0) & (reference < 255)) > 0.2, "the check should exercise unclipped values"
    np.testing.assert_allclose(playground.apply_filter(photo, kernel, weight=0.5), reference, atol=1e-3)


def test_filter_is_cross_correlation_not_flipped():
    photo = np.zeros((3, 3), dtype=np.float32)
    photo[0, 0] = 100  # only the top-left pixel is lit, so only the kernel's top-left weight counts
    kernel = ((2, 0, 0), (0, 0, 0), (0, 0, 0))
    assert playground.apply_filter(photo, kernel)[0, 0] == 200


@pytest.mark.parametrize("shape", [(8, 8), (9, 7), (2, 3)])
def test_max_pool_matches_the_loop_reference_and_drops_odd_edges(shape):
    image = RANDOM.uniform(0, 255, size=shape).astype(np.float32)
    pooled = playground.max_pool_2x2(image)
    assert pooled.shape == (shape[0] // 2, shape[1] // 2)
    np.testing.assert_array_equal(pooled, pool_by_loops(image))


def test_sample_photo_is_the_camera_read_without_importing_scikit_image(monkeypatch):
    monkeypatch.delitem(sys.modules, "skimage", raising=False)
    photo = playground.sample_photo()
    assert "skimage" not in sys.modules
    assert photo.shape == (512, 512) and photo.dtype == np.float32
    assert 0 <= photo.min() < 20 and 235 < photo.max() <= 255


def test_missing_sample_photo_says_what_to_install(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="scikit-image"):
        playground.sample_photo()


def test_filter_and_pool_on_the_sample_photo():
    result = playground.filter_and_pool(playground.sample_photo(), playground.KERNEL_PRESETS["course edges"])
    assert (result.photo.shape, result.filtered.shape, result.pooled.shape) == ((512, 512), (510, 510), (255, 255))
    assert result.filtered.min() >= 0 and result.filtered.max() <= 255
    np.testing.assert_array_equal(result.pooled, pool_by_loops(result.filtered))
    for size in ("512×512", "510×510", "255×255"):
        assert size in result.shapes_sentence(words=ENGLISH)


def test_identity_kernel_returns_the_photo_interior_exactly():
    photo = playground.sample_photo()
    result = playground.filter_and_pool(photo, playground.KERNEL_PRESETS["identity"])
    np.testing.assert_array_equal(result.filtered, photo[1:-1, 1:-1])


def test_shapes_sentence_writes_width_by_height():
    result = playground.filter_and_pool(np.zeros((10, 21), dtype=np.float32), playground.KERNEL_PRESETS["blur"])
    assert result.shapes_sentence(words=ENGLISH) == "21×10 → 19×8 after the 3×3 filter → 9×4 after 2×2 max pooling"


@pytest.mark.parametrize(
    "kernel",
    [
        ((1, 2, 3), (4, 5, 6)),
        ((0, 1, 0), (1, float("nan"), 1), (0, 1, 0)),
        ((0, 1, 0), (1, float("inf"), 1), (0, 1, 0)),
        (("a", "b", "c"),) * 3,
        "edges",
        ((1, 2, 3), (4, 5), (6, 7, 8)),
    ],
)
def test_bad_kernels_raise_value_error(kernel):
    with pytest.raises(ValueError, match="kernel"):
        playground.apply_filter(np.zeros((5, 5)), kernel)


def test_bad_photos_and_weights_raise_value_error():
    kernel = playground.KERNEL_PRESETS["identity"]
    with pytest.raises(ValueError, match="at least 3×3"):
        playground.apply_filter(np.zeros((2, 2)), kernel)
    with pytest.raises(ValueError, match="grey photo"):
        playground.apply_filter(np.zeros((5, 5, 3)), kernel)
    for weight in (float("nan"), "heavy"):
        with pytest.raises(ValueError, match="weight"):
            playground.apply_filter(np.zeros((5, 5)), kernel, weight)


def test_describe_kernel_tells_the_presets_apart():
    sentences = {
        name: playground.describe_kernel(kernel, words=ENGLISH) for name, kernel in playground.KERNEL_PRESETS.items()
    }
    assert len(set(sentences.values())) == len(sentences)
    assert "edges" in sentences["course edges"] and "sums to 0" in sentences["course edges"]
    assert "vertical edges" in sentences["vertical Sobel"] and "horizontal edges" in sentences["horizontal Sobel"]
    assert "blur" in sentences["blur"] and "copies the photo" in sentences["identity"]
    assert "keeps the photo's brightness" in playground.describe_kernel(
        playground.KERNEL_PRESETS["blur"], 1 / 9, words=ENGLISH
    )
    assert "sharpens" in sentences["sharpen"]
    pooling = playground.pooling_sentence(words=ENGLISH)
    assert "pooling" in pooling and "2×2" in pooling


def test_the_typed_filter_is_read_from_the_table_and_an_emptied_cell_is_refused():
    typed = pd.DataFrame(playground.KERNEL_PRESETS["vertical Sobel"], columns=["left", "middle", "right"], dtype=float)
    np.testing.assert_array_equal(playground.kernel_from_grid(typed), playground.KERNEL_PRESETS["vertical Sobel"])
    emptied = typed.copy()
    emptied.iloc[1, 2] = None
    with pytest.raises(ValueError, match="Every cell of the 3×3 filter needs a number"):
        playground.kernel_from_grid(emptied)
    with pytest.raises(ValueError, match="Every cell"):
        playground.kernel_from_grid(typed.iloc[:2])  # a row deleted
    infinite = typed.copy()
    infinite.iloc[0, 0] = np.inf
    with pytest.raises(ValueError, match="Every cell"):
        playground.kernel_from_grid(infinite)


def test_presets_kernel_sentences_and_refusals_speak_korean():
    korean = language.words("ko")
    names = [korean(playground.preset_key(name)) for name in playground.KERNEL_PRESETS]
    assert len(set(names)) == len(names) and "세로 Sobel" in names
    sentences = {playground.describe_kernel(kernel, words=korean) for kernel in playground.KERNEL_PRESETS.values()}
    assert len(sentences) == len(playground.KERNEL_PRESETS) and all(s.startswith("이 커널은") for s in sentences)
    result = playground.filter_and_pool(np.zeros((10, 21), dtype=np.float32), playground.KERNEL_PRESETS["blur"])
    assert result.shapes_sentence(words=korean) == "21×10 → 3×3 필터 적용 후 19×8 → 2×2 최대 풀링 후 9×4"
    with pytest.raises(language.LearnerError) as refused:
        playground.kernel_from_grid(pd.DataFrame([[1.0, None, 0.0]] * 3))
    assert korean.say(refused.value.message) == "3×3 필터의 모든 칸에 숫자가 있어야 합니다."
