"""Lesson 3's own widgets: the convolution playground's photo and filter (`playground_controls`) and the
course's CNN's settings (`cnn_settings`). Only Lesson 3's page imports them."""
