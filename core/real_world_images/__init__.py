"""Lesson 4, "Using real-world images": the course's horse-or-human network (`network`), photos
decoded once (`photos`), the course's download (`course_download`), where the network looked
(`gradcam`), how unlike the training photos a photo is (`familiarity`), the learner's own photos
(`teaching`), the lesson's trainings built in one place (`trainings`), the lesson in the words of
its classes (`class_words`) and what a learner takes home (`exports`)."""
