"""Draw every library pose on one page and screenshot it: `contact_sheet.py OUT.png [SLUG_PREFIX ...]`.

Needs Chromium (Debian's /usr/bin/chromium) and Playwright from the dev dependencies.
"""

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from programs.figures import render_pose
from programs.library import EXERCISES


def sheet(exercises) -> str:
    cells = []
    for spec in exercises:
        start, end = (render_pose(spec["poses"][name]) for name in ("start", "end"))
        cells.append(
            f'<div class="cell"><div class="pair">{start}{end}</div><p>{html.escape(spec["name"])} '
            f"<small>({html.escape(spec['region'])})</small></p></div>"
        )
    style = (
        "body{font:12px sans-serif;margin:8px;display:grid;grid-template-columns:repeat(4,1fr);gap:6px}"
        ".cell{border:1px solid #ddd;padding:2px}.pair{display:flex;align-items:flex-end}.pair svg{width:50%;height:auto}p{margin:2px}"
    )
    return f"<!doctype html><style>{style}</style>{''.join(cells)}"


def main() -> None:
    out, prefixes = sys.argv[1], sys.argv[2:]
    chosen = [e for e in EXERCISES if not prefixes or any(e["slug"].startswith(p) for p in prefixes)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 800})
        page.set_content(sheet(chosen))
        page.screenshot(path=out, full_page=True)
        browser.close()
    print(f"{len(chosen)} exercises drawn to {out}")


if __name__ == "__main__":
    main()
