"""Declared column mappings of the departments that send files (数据来源与字段映射).

Each source names the department, what its rows mean (`kind`) and which header holds which field.
Headers are matched after trimming; `aliases` accept the variants departments actually send.
Adding a source is adding an entry here (and, for a new `kind`, a handler in services/imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    department: str
    label: object
    kind: str  # roster | death | move_out | health | economic | disability | pension
    columns: tuple[Column, ...]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


ID = Column("身份证号", "id_number", required=True, aliases=("公民身份号码", "身份证号码", "证件号码"))
NAME = Column("姓名", "name", aliases=("老人姓名",))

SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "hukou",
            "户籍/公安",
            _("Household register: residents aged 60+ (户籍人口)"),
            "roster",
            (
                Column("姓名", "name", required=True),
                ID,
                Column("出生日期", "birth_date"),
                Column("民族", "ethnicity"),
                Column("户籍地区划代码", "hukou_division", aliases=("户籍地代码",)),
                Column("居住社区代码", "residence_division", required=True, aliases=("社区代码",)),
                Column("住址", "address", aliases=("居住地址",)),
                Column("联系电话", "phone", aliases=("电话", "手机号码")),
                Column("居住状况", "living_situation"),
            ),
        ),
        Source(
            "hukou_moves",
            "户籍/公安",
            _("Household register: moved out of the city (迁出)"),
            "move_out",
            (ID, NAME, Column("迁出日期", "occurred_on", required=True)),
        ),
        Source(
            "health_deaths",
            "卫健",
            _("Health commission: death registrations (死亡登记)"),
            "death",
            (ID, NAME, Column("死亡日期", "occurred_on", required=True)),
        ),
        Source(
            "health_facts",
            "卫健",
            _("Health commission: chronic conditions, dementia, family doctor (健康档案)"),
            "health",
            (
                ID,
                NAME,
                Column("慢性病", "chronic_conditions"),
                Column("失智诊断", "dementia_diagnosed"),
                Column("家庭医生签约", "family_doctor_signed"),
            ),
        ),
        Source(
            "pension",
            "人社",
            _("Human resources: pensions suspended for death or move-out (养老金停发)"),
            "pension",
            (
                ID,
                NAME,
                Column("停发原因", "reason", required=True),
                Column("停发日期", "occurred_on", required=True),
            ),
        ),
        Source(
            "medical",
            "医保",
            _("Medical insurance: family doctor contracts (家庭医生签约)"),
            "health",
            (ID, NAME, Column("家庭医生签约", "family_doctor_signed", required=True)),
        ),
        Source(
            "assistance",
            "救助/低保",
            _("Social assistance: 特困, 低保, 低边 (救助对象)"),
            "economic",
            (
                ID,
                NAME,
                Column("救助类别", "economic_status", required=True),
                Column("起始日期", "valid_from", required=True),
                Column("终止日期", "valid_to"),
            ),
        ),
        Source(
            "disability",
            "残联",
            _("Disabled persons' federation: disability certificates (残疾证)"),
            "disability",
            (
                ID,
                NAME,
                Column("残疾类别", "disability_kind"),
                Column("残疾等级", "disability_grade", required=True),
            ),
        ),
    )
}

LIVING_LABELS = {
    "独居": "alone",
    "空巢": "empty_nest",
    "留守": "left_behind",
    "与子女同住": "with_children",
    "其他": "other",
}
ECONOMIC_LABELS = {"特困": "tekun", "低保": "dibao", "低边": "dibian", "普通": "ordinary"}
PENSION_REASONS = {"死亡": "death", "迁出": "move_out"}
YES_NO = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4}
