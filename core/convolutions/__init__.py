"""Lesson 3, "Enhancing vision with convolutions": a 3×3 filter and 2×2 pooling by hand
(`playground`), the course's CNN (`cnn`), and how it compares with the dense network (`comparison`)."""
