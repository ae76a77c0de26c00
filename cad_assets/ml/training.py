"""Training and evaluating per-face classifiers on batches of face graphs (needs torch)."""

from collections.abc import Iterable

from cad_assets.ml.optional import require_torch

torch = require_torch()


def train_epoch(model, batches: Iterable[dict], optimizer) -> float:
    """One pass of cross-entropy training on ``face_label`` (-1 faces ignored).

    Returns
    -------
    float
        Mean loss over the labelled faces seen.
    """
    model.train()
    total, faces = 0.0, 0
    for batch in batches:
        labels = batch["face_label"]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(batch), labels, ignore_index=-1)
        loss.backward()
        optimizer.step()
        labelled = int((labels >= 0).sum())
        total, faces = total + loss.item() * labelled, faces + labelled
    return total / max(faces, 1)


@torch.no_grad()
def face_accuracy(model, batches: Iterable[dict]) -> tuple[float, int]:
    """Share of labelled faces whose most likely class is their label, and their number."""
    model.eval()
    correct = faces = 0
    for batch in batches:
        labels = batch["face_label"]
        labelled = labels >= 0
        predicted = model(batch).argmax(1)
        correct += int((predicted[labelled] == labels[labelled]).sum())
        faces += int(labelled.sum())
    return correct / max(faces, 1), faces
