"""Server-side pictures for the dashboard: coordinates computed here, drawn by templates.

No JavaScript library: the charts are small, the page must work without JS, and a
Content-Security-Policy forbids inline scripts. These functions only compute geometry;
the templates write the SVG, so every name goes through Django's autoescaping. Numbers
that end up in attributes are formatted here as plain strings ("12.5"), never localised
("12,5" or "1,234" would break the SVG).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coffeechat.followups.dashboard import FunnelStep, Month, Network, Node, SourceRow

TREE_CAP = 300  # people drawn in the referral tree; the table beside it lists everyone
LABEL_CHARS = 22


def fmt(value: float) -> str:
    """12.0 -> "12", 12.25 -> "12.2": short, locale-free SVG numbers."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


# --- Horizontal bars (funnel, sources) ------------------------------------------------------


@dataclass(frozen=True)
class FunnelBar:
    step: FunnelStep
    width: str  # percent of the bar's track, for <rect width>


def funnel_bars(steps: Sequence[FunnelStep]) -> list[FunnelBar]:
    """A bar per step, as long as its share of the first step; a non-zero count stays
    visible however small."""
    return [FunnelBar(step, fmt(max(step.width, 1.0) if step.count else 0.0)) for step in steps]


@dataclass(frozen=True)
class SourceBar:
    row: SourceRow
    listed_width: str  # percent of the track: listed, scaled to the biggest source
    met_width: str  # the part of it met


def source_bars(rows: Sequence[SourceRow]) -> list[SourceBar]:
    biggest = max((r.listed for r in rows), default=0)
    bars = []
    for row in rows:
        listed = 100 * row.listed / biggest if biggest else 0.0
        met = 100 * row.met / biggest if biggest else 0.0
        bars.append(SourceBar(row, fmt(listed), fmt(max(met, 1.0) if row.met else 0.0)))
    return bars


# --- Conversations per month: a column chart ------------------------------------------------

COLUMN_STEP = 28  # twelve months fit a 390 px phone
COLUMN_WIDTH = 20
CHART_PAD = 8
PLOT_TOP = 18  # room for the count above the tallest column
PLOT_HEIGHT = 100


@dataclass(frozen=True)
class Column:
    month: Month
    x: str
    y: str
    width: str
    height: str
    middle: str  # the x of the labels under and over it
    value_y: str  # where its count is written, just above it
    year: str  # "’26", under the first month and every January


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline: str
    label_y: str
    year_y: str
    columns: list[Column]
    most: int


def month_chart(months: Sequence[Month]) -> ColumnChart:
    most = max((m.count for m in months), default=0)
    baseline = PLOT_TOP + PLOT_HEIGHT
    columns = []
    for index, month in enumerate(months):
        height = PLOT_HEIGHT * month.count / most if most else 0.0
        left = CHART_PAD + index * COLUMN_STEP + (COLUMN_STEP - COLUMN_WIDTH) / 2
        show_year = index == 0 or month.first.month == 1
        columns.append(
            Column(
                month=month,
                x=fmt(left),
                y=fmt(baseline - height),
                width=fmt(COLUMN_WIDTH),
                height=fmt(height),
                middle=fmt(left + COLUMN_WIDTH / 2),
                value_y=fmt(baseline - height - 4),
                # "’25": a full year would run into the next month's on a narrow column.
                year=f"’{month.first:%y}" if show_year else "",
            )
        )
    return ColumnChart(
        width=2 * CHART_PAD + COLUMN_STEP * len(months),
        height=baseline + 40,
        baseline=fmt(baseline),
        label_y=fmt(baseline + 16),
        year_y=fmt(baseline + 32),
        columns=columns,
        most=most,
    )


# --- The referral tree ----------------------------------------------------------------------

TREE_COLUMN = 215
TREE_ROW = 30
TREE_PAD = 12
NODE_RADIUS = 7
LABEL_GAP = 6
CHAR_WIDTH = 7.0  # an average character at the tree's 12px font, to start edges after names
LABEL_WIDTH = round(LABEL_CHARS * CHAR_WIDTH)
EDGE_RUN = 24  # the least room an edge gets to curve down to its child


def label_width(node: Node) -> float:
    return len(short_label(node.person.name)) * CHAR_WIDTH


@dataclass(frozen=True)
class DrawnNode:
    node: Node
    x: str
    y: str
    label: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class DrawnEdge:
    path: str
    met: bool  # the person it leads to was met


@dataclass(frozen=True)
class TreeDrawing:
    width: int
    height: int
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    total: int

    @property
    def shown(self) -> int:
        return len(self.nodes)

    @property
    def hidden(self) -> int:
        return self.total - self.shown


def tree_drawing(network: Network, cap: int = TREE_CAP) -> TreeDrawing:
    """A tidy left-to-right layout of the referral forest.

    Depth gives the column. Leaves take the rows in depth-first order, a parent sits midway
    between its first and last child, and each tree starts half a row below the one before.
    Only the first `cap` people (depth first, so everyone drawn has their referrer drawn)
    are placed: a network of thousands would be a picture nobody can read.
    """
    kept = network.nodes[:cap]
    kept_ids = {id(node) for node in kept}
    row = 0.0
    ys: dict[int, float] = {}
    for node in kept:
        if node.parent is None and ys:
            row += 0.5  # a gap between trees
        if not any(id(c) in kept_ids for c in node.children):
            ys[id(node)] = row
            row += 1
    for node in reversed(kept):  # children before their parent
        drawn = [ys[id(c)] for c in node.children if id(c) in kept_ids]
        if drawn:
            ys[id(node)] = (drawn[0] + drawn[-1]) / 2

    def x_of(node: Node) -> float:
        return TREE_PAD + NODE_RADIUS + (node.depth - 1) * TREE_COLUMN

    def y_of(node: Node) -> float:
        return TREE_PAD + TREE_ROW / 2 + ys[id(node)] * TREE_ROW

    nodes = [
        DrawnNode(
            node=node,
            x=fmt(x_of(node)),
            y=fmt(y_of(node)),
            label=short_label(node.person.name),
            label_x=fmt(x_of(node) + NODE_RADIUS + LABEL_GAP),
            label_y=fmt(y_of(node) + 4),
        )
        for node in kept
    ]
    edges = []
    for node in kept:
        if node.parent is None:
            continue
        parent = node.parent
        x2, y2 = x_of(node) - NODE_RADIUS, y_of(node)
        # The edge leaves after the referrer's name, so it never runs through the letters.
        after_name = x_of(parent) + NODE_RADIUS + LABEL_GAP + label_width(parent) + 4
        x1, y1 = min(after_name, x2 - EDGE_RUN), y_of(parent)
        middle = (x1 + x2) / 2
        path = (
            f"M{fmt(x1)} {fmt(y1)} C{fmt(middle)} {fmt(y1)} "
            f"{fmt(middle)} {fmt(y2)} {fmt(x2)} {fmt(y2)}"
        )
        edges.append(DrawnEdge(path, node.met))
    depth = max((n.depth for n in kept), default=1)
    return TreeDrawing(
        width=round(2 * TREE_PAD + (depth - 1) * TREE_COLUMN + 2 * NODE_RADIUS + LABEL_WIDTH),
        height=round(2 * TREE_PAD + max(row, 1) * TREE_ROW),
        nodes=nodes,
        edges=edges,
        total=len(network.nodes),
    )
