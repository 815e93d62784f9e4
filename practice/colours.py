"""The practice's accent as the workspace can use it: text and buttons that stay readable."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_ACCENT = "#0f766e"
READABLE = 4.5  # WCAG AA for body text: white on the accent, and the accent on white


def luminance(colour: str) -> float:
    """Relative luminance of "#rrggbb" (WCAG 2.x)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def readable_accent(colour: str) -> str:
    """The colour itself when white reads on it at 4.5:1, else the same hue darkened just enough.

    A practice picks its colour for handouts; a pale one (a yellow, a pastel) would make the
    workspace's buttons and links unreadable, so the workspace darkens it rather than refuse it."""
    if not HEX.match(colour or ""):
        return DEFAULT_ACCENT
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        keep = 1 - step / 20
        darker = f"#{round(r * keep):02x}{round(g * keep):02x}{round(b * keep):02x}"
        if contrast_with_white(darker) >= READABLE:
            return darker
    return "#000000"
