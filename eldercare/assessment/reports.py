"""The assessment report (老年人能力评估报告) as a PDF, rendered with WeasyPrint in the vendored Noto Sans SC.

The font is vendored as ~100 unicode-range subsets per weight; WeasyPrint would load every one of them,
so the report declares only the subsets its own characters need. Turning those woff2 files into fonts
costs ~0.1 s each the first time; one FontConfiguration is kept per process so later reports reuse them
(first report of a process ~6 s, later ones under a second, measured here).
System libraries: WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz0b).
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from eldercare.assessment import selectors
from eldercare.assessment.models import Assessment

FONT_DIR = Path(settings.BASE_DIR) / "eldercare" / "static" / "vendor" / "noto-sans-sc"
_FACE = re.compile(r"@font-face\s*{[^}]*}")
_RANGE = re.compile(r"unicode-range:\s*([^;]+);")
_LOCK = threading.Lock()
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _font_faces() -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    faces = []
    for name in ("400.css", "700.css"):
        for block in _FACE.findall((FONT_DIR / name).read_text(encoding="utf-8")):
            match = _RANGE.search(block)
            if match is None:
                continue
            spans = []
            for part in match.group(1).split(","):
                low, _, high = part.strip().removeprefix("U+").partition("-")
                spans.append((int(low, 16), int(high or low, 16)))
            faces.append((block, tuple(spans)))
    return tuple(faces)


def font_css_for(text: str) -> str:
    """The @font-face rules whose unicode ranges cover a character of `text`."""
    chars = {ord(c) for c in text}
    return "\n".join(
        block for block, spans in _font_faces() if any(low <= c <= high for c in chars for low, high in spans)
    )


def report_context(assessment: Assessment) -> dict[str, Any]:
    inst = selectors.instrument_definition(assessment.instrument)
    dims = {d.code: d for d in inst.dimensions}
    rows = []
    for item in inst.items:
        score = assessment.answers.get(item.code)
        rows.append(
            {
                "item": item,
                "dimension": dims[item.dimension].name,
                "score": score,
                "text": item.option_text(score) if score is not None else "",
            }
        )
    return {
        "a": assessment,
        "elder": assessment.elder,
        "inst": inst,
        "rows": rows,
        "event_names": {t.code: t.name for t in inst.adjustments.risk_event_types},
        "printed_at": timezone.localtime(),
    }


def assessment_report_pdf(*, assessment: Assessment) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("assessment/report.html", report_context(assessment))
    with _LOCK:  # one shared font configuration; WeasyPrint does not promise it is thread-safe
        fonts = _font_config()
        css = CSS(string=font_css_for(html), base_url=str(FONT_DIR) + "/", font_config=fonts)
        return bytes(HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts))
