"""The one-page area briefing, as HTML and as PDF.

One A4 page (two at most) per area and period: the area and its neighbours on a map
drawn here as inline SVG from the display geometries, the key indicators with their
intervals against the city and the previous period, significant changes and alerts,
the main incident categories, active citizen initiatives, context factors and, for
professionals only, the latest social diagnosis and action strategy.  A footer names
the data vintages, the sources with publisher, licence and year, the suppression
rules and the time of generation.

The public role sees disclosed counts only (1-4 as "<5", others rounded, sensitive
categories at wijk level and above); the professional role sees exact counts.  The
page is self-contained (no scripts, no external resources), so the PDF is printed by
headless Chromium from a local file without any network.

The package: ``content`` (what the briefing says, read from the database), ``markup``
and ``sections`` (its HTML fragments and SVG drawings), ``html`` (the page), ``pdf``
(printing), ``cli`` (``unease briefing``) and ``route`` (the web download).
"""

from dashboard.briefing.cli import add_briefing_parser, briefing_command
from dashboard.briefing.content import (
    FORMATS,
    KEY_INDICATORS,
    LANGS,
    ROLES,
    TOP_CATEGORIES,
    BriefingError,
    area_periods,
    check_request,
)
from dashboard.briefing.html import CSS, render_html
from dashboard.briefing.markup import map_svg
from dashboard.briefing.pdf import PdfError, PdfRenderer, pdf_bytes, render_pdf, renderer
from dashboard.briefing.route import register_briefing_route

__all__ = [
    "CSS",
    "FORMATS",
    "KEY_INDICATORS",
    "LANGS",
    "ROLES",
    "TOP_CATEGORIES",
    "BriefingError",
    "PdfError",
    "PdfRenderer",
    "add_briefing_parser",
    "area_periods",
    "briefing_command",
    "check_request",
    "map_svg",
    "pdf_bytes",
    "register_briefing_route",
    "render_html",
    "render_pdf",
    "renderer",
]
