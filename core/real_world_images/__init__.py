"""Lesson 4, "Using real-world images": the course's horse-or-human network (`network`), photos
decoded once (`photos`), the course's download (`course_download`), where the network looked
(`gradcam`) and what a learner takes home (`exports`)."""
