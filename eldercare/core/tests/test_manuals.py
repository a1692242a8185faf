"""The manuals: one command builds HTML and PDF, screenshots come from the e2e artefacts, served at /docs/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from eldercare.core.manuals import SOURCE, build_manuals, markdown_to_html

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_screenshot_from_the_e2e_run_is_copied_and_a_missing_one_shows_a_placeholder(
    tmp_path: Path,
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    (shots / "console.png").write_bytes(PNG)
    text = "# 指南\n\n第一段 **重点** `code`\n\n- 一\n- 二\n\n"
    text += "![控制台](shot:console)\n![地图](shot:missing-map)\n"
    title, body = markdown_to_html(text, shots=shots, images=tmp_path / "out" / "img")
    assert title == "指南"
    assert '<img src="img/console.png" alt="控制台">' in body
    assert (tmp_path / "out" / "img" / "console.png").read_bytes() == PNG
    assert "截图待生成：missing-map" in body
    assert "<strong>重点</strong>" in body and "<li>二</li>" in body


def test_every_role_guide_and_the_operator_guide_build_into_html(tmp_path: Path) -> None:
    written = build_manuals(out=tmp_path, shots=tmp_path / "none", pdf=False)
    names = {p.name for p in written}
    assert {"index.html", "01-administrator.html", "07-emergency-operator.html"} <= names
    assert len(names) == len(list(SOURCE.glob("*.md"))) + 1
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "平安通应急中心坐席指南" in index


def test_the_pdf_is_built_with_weasyprint(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# 手册\n\n内容。\n", encoding="utf-8")
    build_manuals(out=tmp_path / "out", source=source, shots=tmp_path, pdf=True)
    assert (tmp_path / "out" / "manual.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_the_product_serves_the_built_manuals_under_docs(tmp_path: Path, client: Client) -> None:
    build_manuals(out=tmp_path, shots=tmp_path / "none", pdf=False)
    with override_settings(MANUALS_ROOT=tmp_path):
        index = client.get("/docs/")
        page = client.get("/docs/07-emergency-operator.html")
        escape = client.get("/docs/../settings.py")
    assert index.status_code == 200 and "使用手册" in b"".join(index.streaming_content).decode()
    assert page.status_code == 200
    assert escape.status_code == 404
