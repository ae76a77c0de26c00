"""Part classification: one class per folder, a per-file shape signature, a train-ready table."""
