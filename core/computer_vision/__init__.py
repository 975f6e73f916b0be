"""Lesson 2, "Introduction to computer vision": the dense network that learns Fashion-MNIST
(`dense_network`) and the views of its pixels before training (`pixels`)."""
