"""Lesson 1, "Hello, World": one neuron learns the rule behind six points (`neuron`), and the
charts of its loss, its line and its path down the loss surface (`charts`)."""
