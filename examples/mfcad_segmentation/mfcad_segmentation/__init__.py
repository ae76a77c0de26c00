"""Machining-feature face segmentation on MFCAD: per-face labels and per-class statistics."""
