"""Draws the phone page's icons once (committed under practice/static/app/icons/).

The mark: an open ring, the loop of practice closing, around a tick. Drawn at four times the
size and scaled down for smooth edges. A maskable icon keeps the mark inside the central 80 %
circle, the safe zone a launcher may crop to; the plain one sits on a rounded square.

    .venv/bin/python scripts/make_app_icons.py
"""

from math import cos, radians, sin
from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = "#0f766e"
OUT = Path(__file__).resolve().parent.parent / "practice" / "static" / "app" / "icons"
SCALE = 4


def mark(draw: ImageDraw.ImageDraw, size: int, extent: float) -> None:
    """The ring and tick within a centred square `extent` of the icon's side."""
    c, r = size / 2, size * extent / 2
    width = round(r * 0.2)
    draw.arc((c - r, c - r, c + r, c + r), start=-50, end=250, fill="white", width=width)
    mid = r - width / 2  # the ring's ends, rounded like the tick's
    ends = [(c + mid * cos(radians(a)), c + mid * sin(radians(a))) for a in (-50, 250)]
    tick = [(c - r * 0.42, c + r * 0.02), (c - r * 0.1, c + r * 0.34), (c + r * 0.5, c - r * 0.34)]
    draw.line(tick, fill="white", width=width, joint="curve")
    for x, y in (tick[0], tick[-1], *ends):  # round ends
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill="white")


def icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)  # full bleed: the launcher picks the shape
        mark(draw, big, 0.56)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=ACCENT)
        mark(draw, big, 0.66)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        for name, maskable in (("icon", False), ("maskable", True)):
            # Two colours and their edges: a 64-colour palette looks the same at a third of the bytes.
            small = icon(size, maskable=maskable).quantize(64, method=Image.Quantize.FASTOCTREE)
            small.save(OUT / f"{name}-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
