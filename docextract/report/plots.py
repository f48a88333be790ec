"""The report's figures as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from docextract.evaluation.compare import ROW_MISSED  # noqa: E402


@cache
def _use_cjk_font() -> None:
    """Category labels are Chinese; matplotlib's own fonts have no CJK glyphs. PyMuPDF ships one."""
    import fitz

    path = Path(tempfile.gettempdir()) / "docextract-droid-sans-fallback.ttf"
    if not path.exists():
        path.write_bytes(fitz.Font("china-s").buffer)
    font_manager.fontManager.addfont(str(path))
    plt.rcParams["font.family"] = ["DejaVu Sans", font_manager.FontProperties(fname=str(path)).get_name()]


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def field_accuracy(per_field: dict[str, float]) -> bytes:
    """Horizontal bars, worst field at the top."""
    _use_cjk_font()
    items = sorted(per_field.items(), key=lambda kv: (-kv[1], kv[0]))
    fig, ax = plt.subplots(figsize=(8, 0.22 * len(items) + 1))
    ax.barh([k for k, _ in items], [v * 100 for _, v in items],
            color=["#4c9a4c" if v >= 0.98 else "#d9822b" if v >= 0.9 else "#c23b3b" for _, v in items])
    ax.set_xlim(min(90.0, min((v * 100 for _, v in items), default=100) - 2), 100.5)
    ax.set_xlabel("field accuracy (%)")
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def category_confusion(categories: Counter, level: str) -> bytes | None:
    """Gold category (rows) against the predicted printed category (columns) of aligned rows:
    agreement blue on the diagonal, confusion red off it."""
    pairs = {(gold, pred): n for (lvl, gold, pred), n in categories.items() if lvl == level}
    if not pairs:
        return None
    _use_cjk_font()
    gold_totals: Counter = Counter()
    for (gold, _), n in pairs.items():
        gold_totals[gold] += n
    gold_labels = [label for label, _ in gold_totals.most_common()]
    predicted = {pred for _, pred in pairs}
    pred_labels = [*gold_labels, *sorted(predicted - set(gold_labels) - {ROW_MISSED}),
                   *([ROW_MISSED] if ROW_MISSED in predicted else [])]
    grid = [[pairs.get((g, p), 0) for p in pred_labels] for g in gold_labels]
    shade = [[(1 if i == j else -1) * (value > 0) for j, value in enumerate(row)] for i, row in enumerate(grid)]
    fig, ax = plt.subplots(figsize=(0.55 * len(pred_labels) + 3, 0.4 * len(gold_labels) + 2))
    ax.imshow(shade, cmap="RdBu", vmin=-1.6, vmax=1.6, aspect="auto")
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(pred_labels)), pred_labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(gold_labels)), gold_labels, fontsize=7)
    ax.set_xlabel(f"predicted {level}")
    ax.set_ylabel(f"gold {level}")
    return _png(fig)


def degradation_curve(axis: str, values: list[float], accuracy: list[float], silent: list[int],
                      threshold: float) -> bytes:
    """Field accuracy (line, left) and silent errors (bars, right) against one degradation parameter."""
    fig, left = plt.subplots(figsize=(5, 3.2))
    positions = range(len(values))
    right = left.twinx()
    right.bar(positions, silent, color="#c23b3b", alpha=0.35, width=0.5, label="silent errors")
    right.set_ylabel("silent errors (forms)", color="#c23b3b")
    right.set_ylim(0, max([*silent, 1]) * 1.3)
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.plot(positions, [a * 100 for a in accuracy], "o-", color="#2a6fb0", label="field accuracy")
    left.axhline(threshold * 100, color="grey", linestyle="--", linewidth=0.8)
    left.set_ylabel("field accuracy (%)", color="#2a6fb0")
    left.set_ylim(min([threshold * 100 - 2, *(a * 100 - 1 for a in accuracy)]), 100.5)
    left.set_xticks(list(positions), [f"{v:g}" for v in values])
    left.set_xlabel(axis)
    left.set_zorder(right.get_zorder() + 1)
    left.patch.set_visible(False)
    left.set_title(f"{axis} (more degraded →)", fontsize=9)
    return _png(fig)
