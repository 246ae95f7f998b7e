"""The timeline's emotion tier: one interval per utterance, coloured by the model's label.

Each utterance is drawn as a column of bands, one per label, as high as the label's
probability (stacked from the most likely down), so the tier is at once the labels'
course over the recording and the probabilities' course: a run of utterances read as
"sad" shows a blue floor that thins where the model hesitates. A label the model is unsure
of is drawn lighter and marked "?"; utterances not analysed yet are grey outlines; the
utterance on screen is framed. The widget knows nothing of the model: it draws
:class:`TierInterval` values (the session's utterances) on a pyqtgraph plot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

EMOTION_TIER_HEIGHT = 44  # px: one line of labels over the probability bands
# One colour per label, the same in every view; other labels get a stable colour of their own.
LABEL_COLOURS = {
    "neutral": "#9ca3af",
    "calm": "#5eead4",
    "happy": "#facc15",
    "sad": "#3b82f6",
    "angry": "#dc2626",
    "fearful": "#8b5cf6",
    "fear": "#8b5cf6",
    "disgust": "#16a34a",
    "surprised": "#f97316",
    "surprise": "#f97316",
}
SURE_ALPHA, UNSURE_ALPHA = 210, 90  # an unsure label is drawn lighter
EMPTY_TIER_HINT = "Analysis > Analyse utterances (Ctrl+U): emotion over time"


def label_colour(label: str) -> QColor:
    """The label's colour (a stable hue from its name for labels not in the table)."""
    known = LABEL_COLOURS.get(label.lower())
    if known:
        return QColor(known)
    hue = int(hashlib.sha256(label.encode()).hexdigest()[:4], 16) % 360
    return QColor.fromHsv(hue, 150, 220)


@dataclass(frozen=True)
class TierInterval:
    """One utterance as the tier draws it (seconds; probabilities empty: not analysed)."""

    number: int
    start: float
    end: float
    label: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)
    unsure: bool = False


class EmotionTier:
    """Draws :class:`TierInterval` values on ``plot`` (y from 0 to 1)."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.intervals: list[TierInterval] = []
        self.drawn: dict[int, tuple[TierInterval, list]] = {}  # number -> what, its items
        self.current: int | None = None
        self.hint = pg.TextItem(EMPTY_TIER_HINT, anchor=(0, 0.5), color="#888")
        self.hint.setPos(0.0, 0.5)
        plot.addItem(self.hint)
        plot.setYRange(0, 1, padding=0)
        self.frame = QGraphicsRectItem()
        self.frame.setPen(pg.mkPen("#111827", width=2, cosmetic=True))
        self.frame.setZValue(15)
        self.frame.hide()
        plot.addItem(self.frame)

    def set_intervals(self, intervals: list[TierInterval]) -> None:
        """Draw ``intervals``, replacing what was drawn; only intervals that changed are
        drawn again (an hour's tier gets one new utterance at a time)."""
        wanted = {interval.number: interval for interval in intervals}
        for number in [n for n, (old, _) in self.drawn.items() if wanted.get(n) != old]:
            for item in self.drawn.pop(number)[1]:
                self.plot.removeItem(item)
        for number, interval in wanted.items():
            if number not in self.drawn:
                self.drawn[number] = (interval, self._draw(interval))
        self.intervals = sorted(intervals, key=lambda i: i.start)
        self.hint.setVisible(not self.intervals)
        self.set_current(self.current)

    @property
    def items(self) -> list:
        """Every graphics item drawn for the intervals."""
        return [item for _, items in self.drawn.values() for item in items]

    def _draw(self, interval: TierInterval) -> list:
        width = interval.end - interval.start
        if not interval.probabilities:  # cut, not analysed yet
            return [self._rect(interval.start, 0.0, width, 1.0, None, pg.mkPen("#9ca3af", width=1))]
        alpha = UNSURE_ALPHA if interval.unsure else SURE_ALPHA
        items, floor = [], 0.0
        for label, share in sorted(interval.probabilities.items(), key=lambda kv: -kv[1]):
            colour = label_colour(label)
            colour.setAlpha(alpha)
            items.append(
                self._rect(
                    interval.start,
                    floor,
                    width,
                    share,
                    QBrush(colour),
                    QPen(pg.mkColor(0, 0, 0, 0)),
                )
            )
            floor += share
        text = (interval.label or "") + ("?" if interval.unsure else "")
        label = pg.TextItem(text, anchor=(0.5, 0.0), color="#111827")
        label.setPos(interval.start + width / 2, 1.0)
        label.setZValue(12)
        self.plot.addItem(label)
        return [*items, label]

    def _rect(
        self, x: float, y: float, width: float, height: float, brush, pen
    ) -> QGraphicsRectItem:
        item = QGraphicsRectItem(QRectF(x, y, width, height))
        if brush is not None:
            item.setBrush(brush)
        pen.setCosmetic(True)
        item.setPen(pen)
        item.setZValue(10)
        self.plot.addItem(item)
        return item

    def set_current(self, number: int | None) -> None:
        """Frame utterance ``number`` (None: none)."""
        self.current = number
        interval = next((i for i in self.intervals if i.number == number), None)
        if interval is None:
            self.frame.hide()
            return
        self.frame.setRect(QRectF(interval.start, 0.0, interval.end - interval.start, 1.0))
        self.frame.show()

    def number_at(self, seconds: float) -> int | None:
        """The utterance at ``seconds`` (None: between utterances)."""
        for interval in self.intervals:
            if interval.start <= seconds <= interval.end:
                return interval.number
        return None

    def clear(self) -> None:
        self.current = None
        self.set_intervals([])
