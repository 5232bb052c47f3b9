"""A small horizontal bar chart, as PNG (Pillow, which fpdf2 already brings) or SVG text.

The digest needs one honest picture, not a plotting library: labels, bars and counts.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

BAR = "#3b6ea5"
ALT = "#c0504d"
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in _FONT_FILES:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        return ImageFont.load_default()


def bar_chart_png(
    title: str,
    bars: list[tuple[str, int, int]],
    legend: tuple[str, str] = ("", ""),
    width: int = 900,
) -> bytes:
    """``bars`` are (label, value, part): ``part`` of the value is drawn in the second colour."""
    from PIL import Image, ImageDraw

    row, top, left, right = 30, 56, 330, 60
    height = top + row * max(len(bars), 1) + 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(13), _font(16)
    draw.text((16, 14), title, fill="black", font=bold)
    if legend[0]:
        x = width - 330
        draw.rectangle((x, 20, x + 12, 32), fill=BAR)
        draw.text((x + 18, 18), legend[0], fill="black", font=font)
        draw.rectangle((x + 150, 20, x + 162, 32), fill=ALT)
        draw.text((x + 168, 18), legend[1], fill="black", font=font)
    most = max((value for _, value, _ in bars), default=0) or 1
    span = width - left - right
    for index, (label, value, part) in enumerate(bars):
        y = top + index * row
        text = label if len(label) <= 44 else label[:43] + "…"
        draw.text((16, y + 6), text, fill="black", font=font)
        length = round(span * value / most)
        cut = round(span * (value - part) / most)
        if length:
            draw.rectangle((left, y + 4, left + length, y + row - 6), fill=ALT)
            if cut:
                draw.rectangle((left, y + 4, left + cut, y + row - 6), fill=BAR)
        draw.text((left + length + 6, y + 6), str(value), fill="black", font=font)
    if not bars:
        draw.text((16, top + 6), "No cases in this period.", fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def bar_chart_svg(title: str, bars: list[tuple[str, int, int]], width: int = 900) -> str:
    row, top, left, right = 26, 44, 330, 60
    height = top + row * max(len(bars), 1) + 20
    most = max((value for _, value, _ in bars), default=0) or 1
    span = width - left - right
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">',
        f'<text x="12" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value, part) in enumerate(bars):
        y = top + index * row
        length = round(span * value / most)
        cut = round(span * (value - part) / most)
        out.append(f'<text x="12" y="{y + 15}">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{length}" height="{row - 8}" '
                   f'fill="{ALT}"/>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{cut}" height="{row - 8}" '
                   f'fill="{BAR}"/>')
        out.append(f'<text x="{left + length + 6}" y="{y + 15}">{value}</text>')
    out.append("</svg>")
    return "\n".join(out)
