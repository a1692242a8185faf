"""The assessment report (老年人能力评估报告) as a PDF, rendered with WeasyPrint in the vendored Noto Sans SC.

The font is vendored as ~100 unicode-range subsets per weight; WeasyPrint would load every one of them,
so the report declares only the subsets its own characters need (each as a family of its own, see
`font_css_for`). Turning those woff2 files into fonts
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


_SUBSET = re.compile(r"noto-sans-sc-([a-z0-9-]+?)-\d00-normal\.woff2")


@cache
def _font_faces() -> tuple[tuple[str, str, tuple[tuple[int, int], ...]], ...]:
    """(@font-face rule, subset id, unicode spans) for every subset of both weights."""
    faces = []
    for name in ("400.css", "700.css"):
        for block in _FACE.findall((FONT_DIR / name).read_text(encoding="utf-8")):
            match, subset = _RANGE.search(block), _SUBSET.search(block)
            if match is None or subset is None:
                continue
            spans = []
            for part in match.group(1).split(","):
                low, _, high = part.strip().removeprefix("U+").partition("-")
                spans.append((int(low, 16), int(high or low, 16)))
            faces.append((block, subset.group(1), tuple(spans)))
    return tuple(faces)


def font_css_for(text: str) -> str:
    """@font-face rules for the subsets `text` needs, each subset under a family of its own.

    WeasyPrint merges faces that share one family name into one embedded font and mixes up their glyph
    ids (wrong characters in the PDF), so every subset gets its own family and the report lists them all.
    """
    chars = {ord(c) for c in text}
    rules, families = [], []
    for block, subset, spans in _font_faces():
        if any(low <= c <= high for c in chars for low, high in spans):
            family = f"ec-noto-sc-{subset}"
            rules.append(re.sub(r"font-family:\s*'[^']*'", f"font-family: '{family}'", block))
            if family not in families:
                families.append(family)
    stack = ", ".join(f"'{f}'" for f in families) or "sans-serif"
    rules.append(f"* {{ font-family: {stack}, sans-serif !important; }}")
    rules.append(f"@page {{ @bottom-center {{ font-family: {stack}, sans-serif; }} }}")
    return "\n".join(rules)


# The printed form uses the standard's own terms (A.1 评估原因), whatever the page language.
REASON_TERMS = {
    "first": "首次评估",
    "regular": "常规评估",
    "immediate": "即时评估",
    "appeal": "因对评估结果有疑问进行的复评",
    "other": "其他",
}
PURPOSE_TERMS = {"standard": "能力评估", "appeal": "复评", "quality_check": "质控复核"}
STATUS_TERMS = {
    "draft": "草稿",
    "submitted": "待审核",
    "returned": "已退回",
    "published": "已发布",
    "superseded": "已被替代",
}


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
        "reason": REASON_TERMS.get(assessment.request.reason, "") if assessment.request else "",
        "purpose": PURPOSE_TERMS[assessment.purpose],
        "status": STATUS_TERMS[assessment.status],
    }


def assessment_report_pdf(*, assessment: Assessment) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("assessment/report.html", report_context(assessment))
    with _LOCK:  # one shared font configuration; WeasyPrint does not promise it is thread-safe
        fonts = _font_config()
        css = CSS(string=font_css_for(html), base_url=str(FONT_DIR) + "/", font_config=fonts)
        return bytes(HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts))
