"""`bench embedding_map`'s contract, on a short run: both lessons' networks are mapped, PCA and
t-SNE are timed, and the trained maps sort the classes better than the starting ones."""

from __future__ import annotations

from bench import embedding_map


def test_the_map_bench_times_both_lessons_and_says_whether_pca_met_its_target(monkeypatch):
    monkeypatch.setattr(embedding_map, "TRAIN_IMAGES", 2000)
    monkeypatch.setattr(embedding_map, "QUICK_POINTS", 200)
    result = embedding_map.run(quick=True)
    assert result["points"] == 200 and result["target_s"] == embedding_map.TARGET_S
    for name in ("dense", "cnn"):
        assert result[f"{name}_pca_s"] > 0 and result[f"{name}_tsne_s"] > 0 and len(result[f"{name}_pca_times_s"]) == 1
        assert result[f"{name}_pca_sorted_after"] > result[f"{name}_pca_sorted_before"]
    assert result["within_target"] == all(
        result[f"{name}_pca_s"] <= embedding_map.TARGET_S for name in ("dense", "cnn")
    )
