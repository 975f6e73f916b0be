"""Plotly figures the lessons share: training curves (`training_charts`), run comparisons
(`run_charts`), confusion matrices and probabilities (`classifier_charts`) and feature maps
(`feature_map_charts`). TensorFlow-free.
"""
