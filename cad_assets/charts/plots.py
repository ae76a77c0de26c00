"""PNG charts drawn with matplotlib's Agg renderer (``matplotlib.figure.Figure``, no pyplot).

No global state is touched: each chart is its own figure, rendered to bytes and dropped, so
charts can be drawn from any thread or process. matplotlib is imported on the first chart, not
when this module is imported.
"""

import io
from collections.abc import Mapping

import numpy as np

#: Default chart size in pixels (width, height).
CHART_SIZE = (720, 400)
_DPI = 100
_BAR_COLOUR = "#4c78a8"


def _figure(size: tuple[int, int]):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = (int(v) for v in size)
    if width < 1 or height < 1:
        raise ValueError(f"chart size must be positive pixels, not {size}")
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def _message(axes, text: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, color="#555555",
              transform=axes.transAxes)


def histogram_png(
    values: np.ndarray,
    title: str,
    xlabel: str,
    ylabel: str = "files",
    size: tuple[int, int] = CHART_SIZE,
    empty_message: str = "no data",
) -> bytes:
    """A histogram of ``values``: one bar per integer for a narrow range of integers, else
    up to 50 bins; the median and maximum in the title."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    figure = _figure(size)
    axes = figure.add_subplot()
    if values.size == 0:
        axes.set_title(title)
        _message(axes, empty_message)
        return _png(figure)
    low, high = float(values.min()), float(values.max())
    integers = bool(np.all(values == np.round(values)))
    if integers and high - low <= 60:
        bins = np.arange(low - 0.5, high + 1.5)
    else:
        bins = min(50, max(1, int(np.ceil(np.sqrt(values.size)))))
    axes.hist(values, bins=bins, color=_BAR_COLOUR, edgecolor="white", linewidth=0.5)
    axes.set_title(f"{title} ({values.size:,} files; median {np.median(values):g}, max {high:g})")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return _png(figure)


def bar_png(
    counts: Mapping[str, int],
    title: str,
    xlabel: str,
    size: tuple[int, int] = CHART_SIZE,
    empty_message: str = "no data",
) -> bytes:
    """Horizontal bars, one per name, in the order given (first on top), each labelled with
    its count and share of the total; ``empty_message`` when there is nothing to count."""
    figure = _figure(size)
    axes = figure.add_subplot()
    axes.set_title(title)
    total = sum(counts.values())
    if not counts or total == 0:
        _message(axes, empty_message)
        return _png(figure)
    names, values = list(counts), np.array(list(counts.values()), dtype=float)
    positions = np.arange(len(names))
    axes.barh(positions, values, color=_BAR_COLOUR)
    axes.set_yticks(positions, names, fontsize=8 if len(names) > 10 else 10)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.set_xlim(0, values.max() * 1.25)
    for position, value in zip(positions, values):
        axes.text(value, position, f" {int(value):,} ({value / total:.1%})", va="center",
                  fontsize=7 if len(names) > 10 else 9)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return _png(figure)
