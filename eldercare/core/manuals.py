"""Build the user manuals (docs/manual/*.md, Chinese) into static HTML and one PDF.

A tiny Markdown subset is enough for short guides: headings, paragraphs, lists, bold, inline code, and
screenshots written `![说明](shot:name)`, taken from the e2e run's artefacts (`e2e-screenshots/name.png`).
When a screenshot is missing (no e2e run yet) a placeholder box with its name stands in for it, so the
build never fails and the next e2e run refreshes the pictures.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "manual"
SCREENSHOTS = ROOT / "e2e-screenshots"
STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;line-height:1.7;color:#222}
h1{border-bottom:2px solid #2b6cb0;padding-bottom:.3rem}h2{margin-top:2rem}
code{background:#f3f3f3;padding:0 .2rem}img{max-width:100%;border:1px solid #ccc}
.shot-missing{border:2px dashed #aaa;padding:1.5rem;color:#666;text-align:center}
nav a{margin-right:1rem}figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem}
@page{size:A4;margin:18mm}.page-break{page-break-before:always}
"""
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\(shot:(?P<name>[\w-]+)\)$")


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"\[(.+?)\]\((https?://[^)]+|/[^)]*)\)", r'<a href="\2">\1</a>', text)


def _figure(alt: str, name: str, shots: Path, images: Path | None) -> str:
    found = shots / f"{name}.png"
    if found.is_file():
        if images is not None:
            images.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, images / found.name)
        src = f"img/{found.name}" if images is not None else found.as_uri()
        caption = html.escape(alt)
        return f'<figure><img src="{src}" alt="{caption}"><figcaption>{caption}</figcaption></figure>'
    return (
        f'<figure><div class="shot-missing">截图待生成：{html.escape(name)}（运行 make e2e 后重新构建）</div>'
        f"<figcaption>{html.escape(alt)}</figcaption></figure>"
    )


def markdown_to_html(text: str, *, shots: Path = SCREENSHOTS, images: Path | None = None) -> tuple[str, str]:
    """(title, body HTML) of one guide."""
    out: list[str] = []
    title = ""
    paragraph: list[str] = []
    list_tag = ""

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = ""

    for raw in text.splitlines():
        line = raw.strip()
        image = _IMAGE.match(line)
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        item = re.match(r"^(-|\d+\.)\s+(.*)$", line)
        if not line:
            flush()
        elif image:
            flush()
            out.append(_figure(image["alt"], image["name"], shots, images))
        elif heading:
            flush()
            level = len(heading[1])
            title = title or heading[2]
            out.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif item:
            if paragraph:
                out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            tag = "ul" if item[1] == "-" else "ol"
            if list_tag != tag:
                if list_tag:
                    out.append(f"</{list_tag}>")
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline(item[2])}</li>")
        else:
            paragraph.append(line)
    flush()
    return title, "\n".join(out)


def _document(title: str, body: str, nav: str) -> str:
    return (
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><nav>{nav}</nav>{body}</body></html>"
    )


def build_manuals(
    *, out: Path, source: Path = SOURCE, shots: Path = SCREENSHOTS, pdf: bool = True
) -> list[Path]:
    """Write one HTML page per guide plus an index into `out`, and `manual.pdf` with all of them."""
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in sorted(source.glob("*.md")):
        title, body = markdown_to_html(path.read_text(encoding="utf-8"), shots=shots, images=out / "img")
        pages.append(Page(slug=path.stem, title=title or path.stem, body=body))
    nav = '<a href="index.html">目录</a><a href="manual.pdf">PDF</a>'
    written = []
    for page in pages:
        target = out / f"{page.slug}.html"
        target.write_text(_document(page.title, page.body, nav), encoding="utf-8")
        written.append(target)
    items = "".join(f'<li><a href="{p.slug}.html">{html.escape(p.title)}</a></li>' for p in pages)
    index = out / "index.html"
    index.write_text(
        _document("使用手册", f"<h1>养老服务综合信息平台 使用手册</h1><ul>{items}</ul>", nav), "utf-8"
    )
    written.append(index)
    if pdf:
        from weasyprint import HTML

        combined = "".join(f'<section class="page-break">{p.body}</section>' for p in pages)
        document = _document(
            "使用手册", f"<h1>养老服务综合信息平台 使用手册</h1><ol>{items}</ol>{combined}", ""
        )
        target = out / "manual.pdf"
        HTML(string=document, base_url=str(out)).write_pdf(target)
        written.append(target)
    return written
