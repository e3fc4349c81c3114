"""The map's SVG in a real headless Chromium: the width estimate is conservative
against Chromium's measured text widths (getBBox), and the demo map's screenshot is
not blank."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qualcode.core.thematic_map import CODE_FONT, THEME_FONT, layout, text_width
from qualcode.exporters.thematic_map import render_svg
from qualcode.services.thematic_map import render_map_svg
from qualcode.store import open_project
from tests.conftest import require
from tests.exporters.test_thematic_map import demo_db  # noqa: F401  (fixture)
from tests.map_helpers import WORDS, big_map


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    require("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is required in CI (the test dependency group has it)")
        pytest.skip("playwright is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.abort())  # nothing leaves the page
            yield page
        finally:
            browser.close()


def test_the_width_estimate_is_never_below_chromiums(page: Any) -> None:
    labels = [
        *WORDS,
        "Antrean dan waktu tunggu lama",
        "Surat tidak selesai sesuai waktu SOP",
        "WWWWWWWWWW mmmmmmmmmm iiiiiiiiii",
        "Petugas terlambat masuk loket (pagi)",
        "0123456789 !?%&@#",
        "ÄÖÜ äöü ß ñ ç é è",
        "東京の待ち時間",
    ]
    svg = render_svg(layout(big_map(themes=6, codes=30)))
    # the map's own text plus every sample label at both sizes
    extra = "".join(
        f'<text class="probe" x="10" y="{20 + i * 16}" font-size="{size}">{label}</text>'
        for i, (label, size) in enumerate(
            (label, size) for label in labels for size in (CODE_FONT, THEME_FONT)
        )
    )
    svg = svg.replace("</svg>", f'<g font-family="inherit">{extra}</g></svg>')
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    measured = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg text')).map(t => [
            t.textContent, parseFloat(t.getAttribute('font-size')), t.getBBox().width])"""
    )
    assert len(measured) > 2 * len(labels)
    worst = 0.0
    for text, size, width in measured:
        estimate = text_width(text, size)
        assert width <= estimate + 0.01, (text, size, width, estimate)
        if estimate:
            worst = max(worst, width / estimate)
    # conservative, but not wildly so (the estimate is meant to be close)
    assert worst > 0.9


def test_the_demo_map_renders_and_is_not_blank(page: Any, demo_db: Path) -> None:  # noqa: F811
    project = open_project(str(demo_db))
    try:
        svg = render_map_svg(project)
    finally:
        project.close()
    page.set_content("<!doctype html><html><body style='margin:0'></body></html>")
    # Chromium paints the SVG as an image on a canvas; the test reads its pixels back
    stats = page.evaluate(
        """async (svg) => {
            const img = new Image();
            img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let drawn = 0; const colours = new Set();
            for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] === 0) continue;
                if (!(d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255)) drawn++;
                colours.add((d[i] >> 5) + ',' + (d[i + 1] >> 5) + ',' + (d[i + 2] >> 5));
            }
            return {w: c.width, h: c.height, drawn: drawn, colours: colours.size};
        }""",
        svg,
    )
    total = stats["w"] * stats["h"]
    assert total > 100_000
    assert stats["drawn"] > total // 200  # circles, lines and labels, not a blank page
    assert stats["colours"] >= 8, stats  # the nodes' colours, not one grey
