"""The printable report: a real PDF in the vendored Chinese font, with the elder, items and level."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from eldercare.accounts.roles import Role
from eldercare.assessment.reports import assessment_report_pdf
from eldercare.assessment.tests import factories as f
from eldercare.core.tests.factories import ElderFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_pdf_names_the_elder_items_scores_level_and_assessors() -> None:
    # given a published assessment with an adjustment
    elder = ElderFactory(name="王秀英")
    assessment = f.published_assessment(elder, total=40, diagnoses=["F01"])
    # when the report is printed
    pdf = assessment_report_pdf(assessment=assessment)
    # then it is a PDF in the vendored font, and its text holds what an official report shows
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert sorted(name for name in fonts if "ec-noto-sc-" not in name) == [], fonts
    text = pdf_text(pdf)
    for expected in [
        "老年人能力评估报告",
        "王秀英",
        "进食",
        "社会交往能力",
        "完全依赖他人协助进食，或吞咽困难，或留置营养管",
        "能力完全丧失（完全失能）",  # level 3 raised to 4 by the vascular dementia code
        "确诊为痴呆（F00～F03）",
        str(assessment.assessor_1),
        str(assessment.assessor_2),
        "GB/T 42195-2022",
    ]:
        assert expected in text, expected


def test_the_report_page_serves_the_pdf_within_scope(client: Client) -> None:
    assessment = f.published_assessment(ElderFactory())
    client.force_login(
        UserFactory(role=Role.STREET_OFFICER, division=assessment.elder.residence_division.parent)
    )
    response = client.get(f"/assessments/{assessment.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
