"""Lesson 4's own widgets, grouped as the page reads: where the photos come from
(`photo_sources`), the course's network's settings and the photos it trains on
(`course_network`), the learner's photos classified (`photo_classifier`), and teaching the
network with them (`teach_it`); what the lesson keeps in a learner's session is one typed record
(`lesson_record`). Only Lesson 4's page imports them."""
