"""The engine: how a network trains here. The shared trainer (`training`), what every image lesson
shares (`image_classifier`), the exported scripts' common parts (`code_export`), the Ray runner
(`ray_jobs`) and the first visit's warm-up (`warmup`). The precision and thread rules it follows
are settings, in `core.base`. Importing this package loads nothing; its modules load TensorFlow.
"""
