"""Charts drawn on the server as inline SVG: no script, no library, no external asset.

Each function takes plain figures and returns one ``<figure>``: the SVG (``role="img"``, with a
``<title>`` and a ``<desc>`` that screen readers announce) followed by the same figures as a
table, so that the data can be read without the picture. Everything is escaped here; the result
is safe to put in a template as it is.

>>> html = bar_counts([("待处置", 3), ("已处置", 1)], chart_id="w", title="预警")
>>> '<title id="w-title">预警</title>' in html and "<table" in html
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

__all__ = ["bar_counts", "bar_ranking", "bins", "histogram", "line_trend"]

Number = Decimal | float | int

FONT = "'Noto Sans CJK SC','Noto Serif CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
BAR = "#1f5fa8"
ACCENT = "#c0392b"
GRID = "#d9dee5"
INK = "#1f2933"
MUTED = "#5f6b7a"
CHAR = 12  # px per CJK character at font-size 12, for label widths
MAX_LABEL = 14  # characters shown before a label is shortened (the full text is in the table)


def _num(value: Number) -> float:
    return float(value)


def _fmt(value: Number) -> str:
    """A figure as shown: decimals as stored, whole floats without ``.0``.

    >>> _fmt(Decimal("97.50")), _fmt(3), _fmt(2.0)
    ('97.50', '3', '2')
    """
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _text_width(label: str) -> int:
    """Rough width in px: CJK characters are square, ASCII about half as wide."""
    return sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 + 1 for c in label)


def _figure(
    chart_id: str,
    title: str,
    desc: str,
    width: int,
    height: int,
    body: list[str],
    headers: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
) -> SafeString:
    cid = escape(chart_id)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart-svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{FONT}" font-size="12">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    lines = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    if not rows:
        lines = f'<tr><td colspan="{len(headers)}">暂无数据</td></tr>'
    table = (
        f'<details class="chart-data"><summary>数据表</summary>'
        f'<table class="data compact"><caption>{escape(title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table></details>"
    )
    return mark_safe(  # noqa: S308 - every piece of text above went through escape()
        f'<figure class="chart" id="{cid}">{svg}{table}</figure>'
    )


def _empty(width: int, height: int) -> list[str]:
    return [
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="{MUTED}">暂无数据</text>'
    ]


# -- histogram --------------------------------------------------------------------------------


def bins(values: Sequence[Number], width: int = 5) -> list[tuple[int, int, int]]:
    """Counts of ``values`` in bins ``[lo, lo + width)`` from the lowest to the highest value.

    >>> bins([Decimal("96"), Decimal("97.5"), Decimal("88"), Decimal("100")])
    [(85, 90, 1), (90, 95, 0), (95, 100, 2), (100, 105, 1)]
    >>> bins([])
    []
    """
    if not values:
        return []
    low = math.floor(min(_num(v) for v in values) / width) * width
    high = math.floor(max(_num(v) for v in values) / width) * width
    counts = dict.fromkeys(range(low, high + width, width), 0)
    for value in values:
        counts[math.floor(_num(value) / width) * width] += 1
    return [(lo, lo + width, n) for lo, n in counts.items()]


def histogram(
    values: Sequence[Number],
    *,
    chart_id: str,
    title: str,
    width: int = 5,
    unit: str = "分",
    count_unit: str = "个",
) -> SafeString:
    """Distribution of ``values`` (scores) in bins of ``width``.

    >>> html = histogram([90, 96, 97], chart_id="h", title="得分分布")
    >>> html.count('<rect class="bin"'), "95–100" in html
    (2, True)
    """
    data = bins(values, width)
    w, h = 560, 240
    left, right, top, bottom = 40, 12, 16, 40
    body: list[str] = []
    if not data:
        body = _empty(w, h)
    else:
        ticks = _ticks(0, max(n for _, _, n in data) or 1)
        step = (w - left - right) / len(data)
        scale = (h - top - bottom) / ticks[-1]
        for tick in ticks:
            y = h - bottom - tick * scale
            body.append(
                f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                f"{tick}</text>"
            )
        for i, (lo, hi, n) in enumerate(data):
            x = left + i * step
            bh = n * scale
            label = f"{lo}–{hi}"
            body.append(
                f'<rect class="bin" x="{x + 2:.1f}" y="{h - bottom - bh:.1f}" '
                f'width="{step - 4:.1f}" height="{bh:.1f}" fill="{BAR}">'
                f"<title>{escape(label)}{unit}：{n}{count_unit}</title></rect>"
                if n
                else ""
            )
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{h - bottom + 16}" text-anchor="middle" '
                f'fill="{INK}">{escape(label)}</text>'
            )
        body.append(
            f'<line x1="{left}" x2="{w - right}" y1="{h - bottom}" y2="{h - bottom}" '
            f'stroke="{INK}"/>'
        )
    desc = (
        f"共{len(values)}{count_unit}，" + "；".join(f"{lo}至{hi}{unit}{n}" for lo, hi, n in data)
        if data
        else "暂无数据"
    )
    rows = [(f"{lo}–{hi}（不含{hi}）", str(n)) for lo, hi, n in data]
    return _figure(chart_id, title, desc, w, h, body, (f"得分区间（{unit}）", "数量"), rows)


def _ticks(low: float, high: float, count: int = 4) -> list[int]:
    """Whole-number axis ticks from ``low`` to the first tick at or above ``high``.

    >>> _ticks(0, 3), _ticks(0, 5), _ticks(0, 10)
    ([0, 1, 2, 3], [0, 2, 4, 6], [0, 3, 6, 9, 12])
    """
    step = max(1, math.ceil((high - low) / count))
    top = int(low) + math.ceil((high - low) / step) * step
    return list(range(int(low), top + 1, step))


# -- horizontal bars --------------------------------------------------------------------------


def _hbars(
    rows: Sequence[tuple[str, Number]],
    *,
    chart_id: str,
    title: str,
    unit: str,
    prefix_rank: bool,
    headers: tuple[str, ...],
) -> SafeString:
    labels = [
        (f"{i}. " if prefix_rank else "") + _short(label) for i, (label, _) in enumerate(rows, 1)
    ]
    left = min(240, max([_text_width(label) for label in labels] or [40]) + 12)
    row_h, top = 22, 8
    w = left + 360
    h = top * 2 + max(1, len(rows)) * row_h
    body: list[str] = []
    if not rows:
        body = _empty(w, 60)
        h = 60
    else:
        most = max(_num(v) for _, v in rows) or 1.0
        span = w - left - 64
        for i, ((label, value), shown) in enumerate(zip(rows, labels, strict=True)):
            y = top + i * row_h
            bw = max(0.0, _num(value)) / most * span
            body.append(
                f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
                f"{escape(shown)}</text>"
                f'<rect class="bar" x="{left}" y="{y + 3}" width="{bw:.1f}" height="{row_h - 6}" '
                f'fill="{BAR}"><title>{escape(label)}：{escape(_fmt(value))}{unit}</title></rect>'
                f'<text x="{left + bw + 6:.1f}" y="{y + 15}" fill="{INK}">'
                f"{escape(_fmt(value))}</text>"
            )
    desc = "；".join(f"{label}{_fmt(value)}{unit}" for label, value in rows) or "暂无数据"
    table: list[tuple[str, ...]] = [
        ((str(i),) if prefix_rank else ()) + (label, _fmt(value))
        for i, (label, value) in enumerate(rows, 1)
    ]
    return _figure(chart_id, title, desc, w, h, body, headers, table)


def bar_ranking(
    rows: Sequence[tuple[str, Number]], *, chart_id: str, title: str, unit: str = "分"
) -> SafeString:
    """Bodies in rank order with their scores, as horizontal bars.

    >>> html = bar_ranking([("财政局", Decimal("99.00")), ("教育局", Decimal("97.50"))],
    ...                    chart_id="r", title="排名")
    >>> html.count('<rect class="bar"'), "1. 财政局" in html, "<td>97.50</td>" in html
    (2, True, True)
    """
    return _hbars(
        rows,
        chart_id=chart_id,
        title=title,
        unit=unit,
        prefix_rank=True,
        headers=("名次", "单位", f"得分（{unit}）"),
    )


def bar_counts(
    rows: Sequence[tuple[str, int]], *, chart_id: str, title: str, unit: str = "件"
) -> SafeString:
    """Counts by category, as horizontal bars (long Chinese labels read better across).

    >>> html = bar_counts([], chart_id="c", title="空")
    >>> "<rect" in html, html.count("暂无数据")  # in the picture, its description and the table
    (False, 3)
    """
    return _hbars(
        rows,
        chart_id=chart_id,
        title=title,
        unit=unit,
        prefix_rank=False,
        headers=("类别", f"数量（{unit}）"),
    )


def _nice_step(span: float) -> int:
    """A step giving at most six grid lines over ``span``.

    >>> _nice_step(5), _nice_step(10), _nice_step(30), _nice_step(100)
    (1, 2, 10, 20)
    """
    return next(step for step in (1, 2, 5, 10, 20, 50) if span / step <= 5) if span <= 250 else 100


# -- line -------------------------------------------------------------------------------------


def line_trend(
    points: Sequence[tuple[str, Number]], *, chart_id: str, title: str, unit: str = "分"
) -> SafeString:
    """A value over months (labels in order), as a line with a marker per month.

    >>> html = line_trend([("2026-03", 97), ("2026-04", Decimal("95.5"))],
    ...                   chart_id="t", title="趋势")
    >>> html.count("<circle"), "<polyline" in html
    (2, True)
    """
    w, h = 560, 240
    left, right, top, bottom = 44, 36, 16, 40
    body: list[str] = []
    if not points:
        body = _empty(w, h)
    else:
        values = [_num(v) for _, v in points]
        lo, hi = min(values) - 1, max(values) + 1
        if hi - lo < 10:  # a minimum span, so that small moves do not look dramatic
            lo, hi = (lo + hi) / 2 - 5, (lo + hi) / 2 + 5
        grid = _nice_step(hi - lo)
        low, high = math.floor(lo / grid) * grid, math.ceil(hi / grid) * grid
        span_y = high - low
        step = (w - left - right) / max(1, len(points) - 1)

        def xy(i: int, v: float) -> tuple[float, float]:
            x = left + (i * step if len(points) > 1 else (w - left - right) / 2)
            return x, top + (high - v) / span_y * (h - top - bottom)

        for tick in range(low, high + 1, grid):
            _, y = xy(0, tick)
            body.append(
                f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                f"{tick}</text>"
            )
        coords = [xy(i, v) for i, v in enumerate(values)]
        body.append(
            '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
                ACCENT, " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            )
        )
        every = max(1, math.ceil(len(points) / 12))
        for i, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}">'
                f"<title>{escape(label)}：{escape(_fmt(value))}{unit}</title></circle>"
            )
            if i % every == 0:
                body.append(
                    f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle" '
                    f'fill="{INK}">{escape(label)}</text>'
                )
    desc = "；".join(f"{label}：{_fmt(value)}{unit}" for label, value in points) or "暂无数据"
    rows = [(label, _fmt(value)) for label, value in points]
    return _figure(chart_id, title, desc, w, h, body, ("月份", f"数值（{unit}）"), rows)
