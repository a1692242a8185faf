"""The monthly statistical report (月度统计报表) and the plan evaluations (规划中期评估 / 总结评估).

Both are built from the same numbers as the dashboard (`selectors.dashboard`, the pre-aggregated
rows), then written as XLSX (openpyxl: one sheet per section, real formulas for gaps, totals and
shares, number formats and fills) and as PDF (WeasyPrint, the vendored Noto Sans SC font as in the
assessment report; charts are SVG bar charts generated here, no plotting library).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from eldercare.core.models import Division
from eldercare.core.scope import DataScope
from eldercare.core.selectors import city_profile
from eldercare.planning import rules, selectors
from eldercare.planning.choices import ProjectStage, ReportKind
from eldercare.planning.models import IndicatorValue, KeyCount, Project
from eldercare.planning.registry import key_count_labels

STATUS_TERMS = {"green": "正常", "amber": "预警", "red": "滞后", "none": "—"}
FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
PROPERTY_TERMS = {True: "约束性", False: "预期性"}
KIND_TITLES = {
    ReportKind.MONTHLY: "养老服务统计月报",
    ReportKind.MIDTERM: "养老服务体系建设“十四五”规划中期评估",
    ReportKind.FINAL: "养老服务体系建设“十四五”规划总结评估",
}


@dataclass
class ReportData:
    kind: str
    title: str
    division: Division
    month: date
    as_of: date
    refreshed_at: datetime | None
    dashboard: selectors.Dashboard
    children: list[Division]
    child_values: dict[int, dict[str, float | None]]  # indicator id → {child code: value}
    key_rows: list[tuple[str, str, str, float, dict[str, float]]]  # key, label, unit, value, by child
    projects: list[Project]
    funding: list[selectors.FundingRow]
    generated_at: datetime = field(default_factory=timezone.now)


def report_data(*, kind: str, division: Division, month: date) -> ReportData:
    scope = DataScope(division_codes=(division.code,))
    dash = selectors.dashboard(scope=scope, code=division.code, month=month)
    children = dash.children
    codes = [c.code for c in children]
    child_values: dict[int, dict[str, float | None]] = {}
    for v in IndicatorValue.objects.filter(division_id__in=codes, month=dash.month).values_list(
        "indicator_id", "division_id", "value"
    ):
        child_values.setdefault(v[0], {})[v[1]] = v[2]
    by_child: dict[str, dict[str, float]] = {}
    for key, code, value in KeyCount.objects.filter(division_id__in=codes, month=dash.month).values_list(
        "key", "division_id", "value"
    ):
        by_child.setdefault(key, {})[code] = value
    labels = key_count_labels()
    key_rows = [
        (k.key, k.label, k.unit, k.value, by_child.get(k.key, {})) for k in dash.keys if k.key in labels
    ]
    profile = city_profile()
    place = profile.name if profile and division.code == profile.division_id else division.name
    period = (
        f"{dash.month.year}年{dash.month.month}月" if kind == ReportKind.MONTHLY else f"{dash.month.year}年"
    )
    return ReportData(
        kind=kind,
        title=f"{place}{KIND_TITLES[ReportKind(kind)]}（{period}）",
        division=division,
        month=dash.month,
        as_of=dash.as_of,
        refreshed_at=dash.refreshed.finished_at if dash.refreshed else None,
        dashboard=dash,
        children=children,
        child_values=child_values,
        key_rows=key_rows,
        projects=list(selectors.project_list(scope=scope)),
        funding=selectors.funding_rows(scope=scope),
    )


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"


# ---- XLSX ------------------------------------------------------------------------------------------
def xlsx_bytes(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def header(ws: Any, row: int, titles: list[str], widths: list[int] | None = None) -> None:
        for col, title in enumerate(titles, start=1):
            cell = ws.cell(row=row, column=col, value=title)
            cell.font, cell.fill, cell.border = bold, head_fill, box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for col, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = ws.cell(row=row + 1, column=1)

    # 1. cover
    ws = wb.active
    ws.title = "封面"
    ws["A1"] = data.title
    ws["A1"].font = Font(bold=True, size=16)
    cover = [
        ("区划", f"{data.division.name}（{data.division.code}）"),
        ("统计期", data.month.strftime("%Y-%m")),
        ("数据截至", data.as_of.isoformat()),
        (
            "汇总刷新时间",
            timezone.localtime(data.refreshed_at).strftime("%Y-%m-%d %H:%M") if data.refreshed_at else "—",
        ),
        ("生成时间", timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")),
        (
            "预警规则",
            "按规划基期值至目标值的线性路径评价：达到路径值为正常；落后不超过规划总变化量的规定比例为预警；否则为滞后。",
        ),
        ("数据来源", "平台汇总表（按区划×月预先汇总）；标注“人工填报”的指标为带证明材料的人工录入值。"),
    ]
    for i, (label, text) in enumerate(cover, start=3):
        ws.cell(row=i, column=1, value=label).font = bold
        ws.cell(row=i, column=2, value=text)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90

    # 2. indicators
    ws = wb.create_sheet("主要指标")
    header(
        ws,
        1,
        [
            "代码",
            "指标",
            "单位",
            "属性",
            "方向",
            "基期值",
            "目标年",
            "目标值",
            "路径期望值",
            "本期值",
            "来源",
            "差距",
            "完成度",
            "状态",
        ],
        [8, 44, 8, 8, 8, 10, 8, 10, 12, 12, 10, 10, 10, 8],
    )
    r = 2
    for row in data.dashboard.rows + data.dashboard.supplementary:
        ind, a = row.indicator, row.assessment
        value = row.value.value if row.value else None
        base = next((v for v in ind.base.values() if isinstance(v, int | float)), None)
        cells = [
            ind.code,
            ind.name,
            ind.unit,
            PROPERTY_TERMS[ind.binding] if ind.kind == "plan" else "监测",
            ind.direction if ind.direction != "established" else "定性",
            base,
            a.target_year,
            a.target if a.target is not None else next(iter(ind.targets.values()), None),
            None if a.expected is None else round(a.expected, 4),
            value if ind.direction != "established" else (row.value.value_text if row.value else None),
            "计算"
            if row.computed
            else ("人工填报" if row.value and row.value.source == "manual" else "无数据"),
        ]
        for col, v in enumerate(cells, start=1):
            ws.cell(row=r, column=col, value=v).border = box
        if ind.direction in (">=", ">"):
            ws.cell(row=r, column=12, value=f'=IF(OR(J{r}="",H{r}=""),"",MAX(0,H{r}-J{r}))')
            ws.cell(row=r, column=13, value=f'=IF(OR(J{r}="",H{r}="",H{r}=0),"",J{r}/H{r})')
        elif ind.direction == "<=":
            ws.cell(row=r, column=12, value=f'=IF(OR(J{r}="",H{r}=""),"",MAX(0,J{r}-H{r}))')
            ws.cell(row=r, column=13, value=f'=IF(OR(J{r}="",J{r}=0),"",H{r}/J{r})')
        for col in (12, 13):
            ws.cell(row=r, column=col).border = box
        ws.cell(row=r, column=13).number_format = "0.0%"
        for col in (6, 8, 9, 10, 12):
            ws.cell(row=r, column=col).number_format = "#,##0.00"
        status = ws.cell(row=r, column=14, value=STATUS_TERMS[a.status])
        status.border = box
        if a.status in FILLS:
            status.fill = PatternFill("solid", fgColor=FILLS[a.status])
        r += 1

    # 3. indicators by child division
    if data.children:
        ws = wb.create_sheet("分区指标")
        indicators = [row.indicator for row in data.dashboard.rows + data.dashboard.supplementary]
        header(
            ws,
            1,
            ["区划代码", "区划", *[f"{i.code} {i.name}（{i.unit}）" for i in indicators]],
            [12, 16, *[14] * len(indicators)],
        )
        for r, child in enumerate(data.children, start=2):
            ws.cell(row=r, column=1, value=child.code)
            ws.cell(row=r, column=2, value=child.name)
            for c, ind in enumerate(indicators, start=3):
                cell = ws.cell(row=r, column=c, value=data.child_values.get(ind.pk, {}).get(child.code))
                cell.number_format = "#,##0.00"

    # 4. key counts
    ws = wb.create_sheet("关键数据")
    header(
        ws,
        1,
        ["指标", "单位", f"{data.division.name}", *[c.name for c in data.children], "下级合计", "核对"],
        [26, 8, 14, *[12] * len(data.children), 12, 8],
    )
    last_col = 3 + len(data.children)
    for r, (key, label, unit, amount, by_child) in enumerate(data.key_rows, start=2):
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=unit)
        ws.cell(row=r, column=3, value=amount).number_format = "#,##0.##"
        for c, child in enumerate(data.children, start=4):
            ws.cell(row=r, column=c, value=by_child.get(child.code, 0)).number_format = "#,##0.##"
        if data.children:
            first, last = get_column_letter(4), get_column_letter(last_col)
            ws.cell(
                row=r, column=last_col + 1, value=f"=SUM({first}{r}:{last}{r})"
            ).number_format = "#,##0.##"
            ws.cell(
                row=r,
                column=last_col + 2,
                value=f'=IF(ROUND({get_column_letter(last_col + 1)}{r}-C{r},6)=0,"一致","不一致")',
            )
        ws.cell(row=r, column=last_col + 3, value=key).font = Font(color="999999")

    # 5. monthly trend
    ws = wb.create_sheet("月度趋势")
    months = [m.strftime("%Y-%m") for m in data.dashboard.months]
    header(ws, 1, ["代码", "指标", *months], [8, 40, *[10] * len(months)])
    for r, row in enumerate(data.dashboard.rows + data.dashboard.supplementary, start=2):
        ws.cell(row=r, column=1, value=row.indicator.code)
        ws.cell(row=r, column=2, value=row.indicator.name)
        points = {p["month"]: p["value"] for p in row.trend}
        for c, m in enumerate(months, start=3):
            ws.cell(row=r, column=c, value=points.get(m)).number_format = "#,##0.00"

    # 6. evaluation (mid-term / final)
    if data.kind != ReportKind.MONTHLY:
        ws = wb.create_sheet("规划评估")
        year = data.month.year
        header(
            ws,
            1,
            ["代码", "指标", "单位", "基期值", f"{year}年目标", f"{year}年实际", "完成进度", "评估结论"],
            [8, 44, 8, 10, 12, 12, 12, 12],
        )
        for r, row in enumerate(data.dashboard.rows, start=2):
            ind = row.indicator
            base = next((v for v in ind.base.values() if isinstance(v, int | float)), None)
            target = ind.targets.get(str(year))
            actual = row.value.value if row.value else None
            ws.cell(row=r, column=1, value=ind.code)
            ws.cell(row=r, column=2, value=ind.name)
            ws.cell(row=r, column=3, value=ind.unit)
            ws.cell(row=r, column=4, value=base)
            ws.cell(row=r, column=5, value=target if isinstance(target, int | float) else (target or None))
            ws.cell(
                row=r,
                column=6,
                value=actual
                if ind.direction != "established"
                else (row.value.value_text if row.value else None),
            )
            if ind.direction in (">=", ">", "<="):
                ws.cell(
                    row=r,
                    column=7,
                    value=f'=IF(OR(F{r}="",E{r}=""),"",IF(D{r}="",F{r}/E{r},IF(E{r}=D{r},IF(F{r}>=E{r},1,0),(F{r}-D{r})/(E{r}-D{r}))))',
                )
                ws.cell(row=r, column=7).number_format = "0.0%"
                cmp = ">=" if ind.direction != "<=" else "<="
                ws.cell(
                    row=r,
                    column=8,
                    value=f'=IF(OR(F{r}="",E{r}=""),"无数据",IF(F{r}{cmp}E{r},"已完成","未完成"))',
                )
            else:
                ws.cell(row=r, column=8, value=f'=IF(F{r}=E{r},"已完成","未完成")')

    # 7. projects
    ws = wb.create_sheet("重点项目")
    header(
        ws,
        1,
        [
            "序号",
            "项目名称",
            "建设单位",
            "建设地点",
            "规划床位",
            "规划个数",
            "计划开工",
            "计划竣工",
            "进度",
            "在用床位",
            "已建个数",
        ],
        [6, 30, 16, 30, 10, 10, 10, 10, 10, 10, 10],
    )
    stage_terms = {
        ProjectStage.PLANNED: "未开工",
        ProjectStage.DESIGN: "设计",
        ProjectStage.CONSTRUCTION: "在建",
        ProjectStage.OPENED: "已开放",
    }
    for r, p in enumerate(data.projects, start=2):
        for c, v in enumerate(
            [
                p.seq,
                p.name,
                p.owner,
                p.site,
                p.planned_beds,
                p.planned_units,
                p.start_year,
                p.end_year,
                stage_terms[ProjectStage(p.stage)],
                p.beds_in_use,
                p.units_done,
            ],
            start=1,
        ):
            ws.cell(row=r, column=c, value=v)
    total = len(data.projects) + 2
    ws.cell(row=total, column=2, value="合计").font = bold
    for letter in ("E", "J"):
        ws[f"{letter}{total}"] = f"=SUM({letter}2:{letter}{total - 1})"
        ws[f"{letter}{total}"].font = bold

    # 8. funding
    ws = wb.create_sheet("资金指标")
    header(
        ws,
        1,
        ["年度", "区划", "福彩公益金（元）", "用于养老服务（元）", "占比", "最低比例", "结论", "证明材料"],
        [8, 12, 18, 18, 10, 10, 10, 50],
    )
    for r, f in enumerate(data.funding, start=2):
        ws.cell(row=r, column=1, value=f.entry.year)
        ws.cell(row=r, column=2, value=f.entry.division.name)
        ws.cell(row=r, column=3, value=f.entry.lottery_fund_fen / 100).number_format = "#,##0.00"
        ws.cell(row=r, column=4, value=f.entry.elderly_care_fen / 100).number_format = "#,##0.00"
        ws.cell(row=r, column=5, value=f'=IF(C{r}=0,"",D{r}/C{r})').number_format = "0.0%"
        ws.cell(
            row=r, column=6, value=None if f.min_share_pct is None else f.min_share_pct / 100
        ).number_format = "0%"
        ws.cell(row=r, column=7, value=f'=IF(OR(E{r}="",F{r}=""),"",IF(E{r}>=F{r},"达标","未达标"))')
        ws.cell(row=r, column=8, value=f.entry.evidence)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---- charts (SVG, drawn here) ----------------------------------------------------------------------
def svg_bar_chart(
    items: list[tuple[str, float | None]],
    *,
    title: str,
    width: int = 640,
    bar_height: int = 18,
    target: float | None = None,
) -> str:
    """A horizontal bar chart as an SVG document: one bar per (label, value); an optional target line."""
    label_w, pad, top = 150, 8, 28
    height = top + len(items) * (bar_height + pad) + 20
    values = [v for _l, v in items if v is not None]
    top_value = max([*values, target or 0, 1e-9])
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + pad)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end">{escape(label)}</text>'
        )
        if value is not None:
            w = max(0.0, plot_w * value / top_value)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#0b3e75"/>'
            )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 5}">{escape(_fmt(value))}</text>'
            )
        else:
            parts.append(f'<text x="{label_w + 4}" y="{y + bar_height - 5}" fill="#888">—</text>')
    if target is not None:
        x = label_w + plot_w * target / top_value
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 16}" '
            'stroke="#c00" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def pdf_context(data: ReportData) -> dict[str, Any]:
    rows = data.dashboard.rows + data.dashboard.supplementary
    share_rows = [
        r for r in rows if r.indicator.unit == "%" and r.value is not None and r.value.value is not None
    ]
    charts = []
    if share_rows:
        charts.append(
            _data_uri(
                svg_bar_chart(
                    [(r.indicator.code, r.value.value if r.value else None) for r in share_rows],
                    title="Indicators in % (current value; see the table for names)",
                )
            )
        )
    elders = next((k for k in data.key_rows if k[0] == "elders.total"), None)
    if elders is not None and data.children:
        charts.append(
            _data_uri(
                svg_bar_chart(
                    [(c.code, elders[4].get(c.code, 0)) for c in data.children],
                    title="Elders (60+) by division code",
                )
            )
        )
    return {
        "d": data,
        "rows": rows,
        "status_terms": STATUS_TERMS,
        "property_terms": PROPERTY_TERMS,
        "charts": charts,
        "generated": timezone.localtime(data.generated_at),
        "refreshed": timezone.localtime(data.refreshed_at) if data.refreshed_at else None,
        "evaluation": data.kind != ReportKind.MONTHLY,
        "year": data.month.year,
    }


def pdf_bytes(data: ReportData) -> bytes:
    from weasyprint import CSS, HTML

    from eldercare.assessment import reports as shared_pdf  # the vendored-font set-up lives there

    html = render_to_string("planning/report_pdf.html", pdf_context(data))
    with shared_pdf._LOCK:
        fonts = shared_pdf._font_config()
        css = CSS(
            string=shared_pdf.font_css_for(html), base_url=str(shared_pdf.FONT_DIR) + "/", font_config=fonts
        )
        return bytes(HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts))


def month_for(kind: str, period: date) -> date:
    """The month a report describes: the given month, or for an evaluation the year's December (or the
    latest refreshed month when that year is not over)."""
    if kind == ReportKind.MONTHLY:
        return rules.month_start(period)
    december = date(period.year, 12, 1)
    latest = selectors.latest_month()
    return min(december, latest) if latest.year == period.year else december
