"""Typed HTTP clients of the sibling services, each with its own response models."""
