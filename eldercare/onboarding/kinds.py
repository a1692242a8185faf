"""The onboarding templates (数据初始化模板): one per kind of thing a city already runs.

Each kind declares its columns (Chinese header, note, example, allowed values), the key that matches
a row to what is already loaded (so a re-run changes nothing), how to create a row through the owning
app's services, how to count what is loaded (checklist) and how to export existing rows (a city moving
from another installation, and the tests' sample data set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from eldercare.assessment import instruments as assessment_instruments
from eldercare.assessment import rules as assessment_rules
from eldercare.assessment.choices import AssessmentStatus
from eldercare.assessment.models import CURRENT_PURPOSES, Assessment
from eldercare.assessment.selectors import instrument_definition, instrument_row
from eldercare.assessment.services import assessment_migrate
from eldercare.benefits.models import Entitlement
from eldercare.benefits.selectors import programmes_on
from eldercare.benefits.services import entitlement_migrate
from eldercare.core.audit import audit_record
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.core.scope import DataScope
from eldercare.emergency.choices import DeviceKind
from eldercare.emergency.models import Device
from eldercare.emergency.services import device_register
from eldercare.facilities.choices import BedType, FacilityKind, Ownership, ProfitType
from eldercare.facilities.models import Bed, Facility
from eldercare.facilities.services import beds_add, facility_register
from eldercare.facilities.services.beds import BedSpec
from eldercare.homecare.choices import ProviderKind
from eldercare.homecare.models import Canteen, Provider
from eldercare.homecare.services import canteen_create, provider_register
from eldercare.registry.models import Elder
from eldercare.registry.services import elder_create, id_number_hash
from eldercare.registry.services.elders import parse_id_number
from eldercare.registry.services.imports import RowError, parse_choice, parse_date
from eldercare.timebank.choices import Skill
from eldercare.timebank.models import Volunteer
from eldercare.timebank.services import deposit, volunteer_register
from eldercare.timebank.services.ledger import volunteer_account
from eldercare.workforce import selectors as workforce_selectors
from eldercare.workforce.choices import StaffCategory
from eldercare.workforce.models import Worker
from eldercare.workforce.services import employment_start, worker_register

YES_NO = {"是": True, "否": False}


def _labels(choices: Any) -> dict[str, str]:
    """Allowed values as the Chinese term in brackets of each label (e.g. 公办), else the code."""
    out = {}
    with translation.override(None):  # the msgid carries the Chinese term, whatever the request's language
        labels = [(value, str(label)) for value, label in choices.choices]
    for value, text in labels:
        chinese = text[text.find("(") + 1 : text.rfind(")")] if "(" in text else ""
        out[chinese or value] = value
    return out


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    note: str
    example: str
    required: bool = False
    kind: str = "text"  # text / int / date / division / id_number / choice / bool / list
    choices: dict[str, Any] | None = None


@dataclass
class Context:
    actor: Any
    scope: DataScope
    today: date
    cache: dict[str, Any] = field(default_factory=dict)

    def division(self, code: str, column: str) -> Division:
        found = self.cache.setdefault("divisions", {})
        if code not in found:
            found[code] = Division.objects.filter(code=code).first()
        division = found[code]
        if division is None:
            raise RowError(column, f"unknown division code {code!r}")
        if not self.scope.covers_division(code):
            raise RowError(column, "this division is outside your area")
        return division

    def organisation(
        self, *, name: str, kind: str, division: Division, credit_code: str = ""
    ) -> Organisation:
        """The operating organisation by name (created on first sight: the templates carry no org sheet)."""
        found = Organisation.objects.filter(name=name).order_by("pk").first()
        if found is not None:
            return found
        organisation = Organisation.objects.create(
            name=name, kind=kind, division=division, credit_code=credit_code
        )
        audit_record(actor=self.actor, action="onboarding.organisation_created", target=organisation)
        return organisation


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    description: str
    columns: tuple[Column, ...]
    match_key: Callable[[dict[str, Any]], tuple[Any, ...]]
    find: Callable[[Context, dict[str, Any]], Model | None]
    create: Callable[[Context, dict[str, Any]], Model]
    loaded: Callable[[DataScope], int]
    export: Callable[[DataScope], Iterator[dict[str, Any]]]
    depends_on: tuple[str, ...] = ()


# ---------------------------------------------------------------- cell parsing


def parse_cell(column: Column, text: str, ctx: Context) -> Any:
    if column.kind == "int":
        try:
            value = int(float(text))
        except ValueError as exc:
            raise RowError(column.header, "not a whole number") from exc
        if value < 0:
            raise RowError(column.header, "must not be negative")
        return value
    if column.kind == "date":
        return parse_date(text, column.header, today=ctx.today)
    if column.kind == "any_date":
        return parse_date(text, column.header, today=date.max)
    if column.kind == "yuan":
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise RowError(column.header, "not an amount in yuan") from exc
        if amount < 0:
            raise RowError(column.header, "must not be negative")
        return int((amount * 100).quantize(Decimal(1)))
    if column.kind == "division":
        return ctx.division(text, column.header)
    if column.kind == "id_number":
        try:
            return parse_id_number(text, today=ctx.today).number
        except DomainError as exc:
            raise RowError(column.header, exc.message) from exc
    if column.kind in ("choice", "bool"):
        return parse_choice(text, column.choices or {}, column.header)
    if column.kind == "list":
        items = [p.strip() for p in text.replace("；", ";").replace("、", ";").split(";") if p.strip()]
        if column.choices:
            return [parse_choice(p, column.choices, column.header) for p in items]
        return items
    return text


def _label_of(choices: dict[str, Any], value: Any) -> str:
    return next((label for label, v in choices.items() if v == value), str(value))


# ---------------------------------------------------------------- organisations

ORGANISATION_KINDS = {
    "养老机构": OrganisationKind.INSTITUTION,
    "居家服务商": OrganisationKind.PROVIDER,
    "应急呼叫中心": OrganisationKind.EMERGENCY_CENTRE,
    "社会组织": OrganisationKind.SOCIAL_ORGANISATION,
    "政府部门": OrganisationKind.GOVERNMENT,
}


def _organisation_create(ctx: Context, v: dict[str, Any]) -> Model:
    return ctx.organisation(
        name=v["name"], kind=v["kind"], division=v["division"], credit_code=v.get("credit_code", "")
    )


def _organisation_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    for o in Organisation.objects.for_scope(scope).order_by("pk"):
        yield {
            "name": o.name,
            "kind": _label_of(ORGANISATION_KINDS, o.kind),
            "division": o.division_id,
            "credit_code": o.credit_code,
        }


ORGANISATIONS = Kind(
    key="organisations",
    title="单位名录",
    description="运营单位、用人单位等法人或组织，每行一个；其他模板按名称引用这里的单位。",
    columns=(
        Column("name", "单位名称", "全称，按名称匹配", "颐康养老服务有限公司", required=True),
        Column("kind", "单位类型", "见可选值", "养老机构", True, "choice", ORGANISATION_KINDS),
        Column("division", "所在区划代码", "", "440703001", True, "division"),
        Column("credit_code", "统一社会信用代码", "可留空", "91440703MA00000000"),
    ),
    match_key=lambda v: (v["name"],),
    find=lambda ctx, v: Organisation.objects.filter(name=v["name"]).first(),
    create=_organisation_create,
    loaded=lambda scope: Organisation.objects.for_scope(scope).count(),
    export=_organisation_export,
)


# ---------------------------------------------------------------- institutions and stations

FACILITY_KINDS = _labels(FacilityKind)
OWNERSHIPS = _labels(Ownership)
PROFIT_TYPES = _labels(ProfitType)


def _facility_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    return Facility.objects.filter(name=v["name"], division=v["division"]).first()


def _facility_create(ctx: Context, v: dict[str, Any]) -> Model:
    operator = ctx.organisation(
        name=v.get("operator") or v["name"],
        kind=OrganisationKind.INSTITUTION,
        division=v["division"],
        credit_code=v.get("credit_code", ""),
    )
    return facility_register(
        actor=ctx.actor,
        scope=ctx.scope,
        name=v["name"],
        kind=v["kind"],
        ownership=v["ownership"],
        profit_type=v.get("profit_type") or ProfitType.NON_PROFIT,
        operator=operator,
        division=v["division"],
        address=v.get("address", ""),
        capacity=v.get("capacity") or 0,
        opened_on=v.get("opened_on"),
        contact_phone=v.get("contact_phone", ""),
    )


def _facility_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    for f in Facility.objects.for_scope(scope).select_related("operator").order_by("pk"):
        yield {
            "name": f.name,
            "division": f.division_id,
            "kind": _label_of(FACILITY_KINDS, f.kind),
            "ownership": _label_of(OWNERSHIPS, f.ownership),
            "profit_type": _label_of(PROFIT_TYPES, f.profit_type),
            "operator": f.operator.name,
            "credit_code": f.operator.credit_code,
            "address": f.address,
            "capacity": f.capacity,
            "opened_on": f.opened_on.isoformat() if f.opened_on else "",
            "contact_phone": f.contact_phone,
        }


INSTITUTIONS = Kind(
    key="institutions",
    title="养老机构与服务站点",
    description="养老机构、街道综合体、日间照料中心、居家服务站、农村福利院等，每行一个机构或站点。",
    columns=(
        Column("name", "机构名称", "与营业执照或登记证书一致", "蓬江区颐康养老院", required=True),
        Column("division", "所在区划代码", "街道或社区的12位统计区划代码", "440703001001", True, "division"),
        Column("kind", "机构类型", "见可选值", "养老机构", True, "choice", FACILITY_KINDS),
        Column("ownership", "举办性质", "见可选值", "公办", True, "choice", OWNERSHIPS),
        Column("profit_type", "营利性质", "留空为非营利", "非营利", False, "choice", PROFIT_TYPES),
        Column("operator", "运营单位", "运营主体名称；留空时与机构名称相同", "颐康养老服务有限公司"),
        Column("credit_code", "统一社会信用代码", "运营单位的18位代码，可留空", "52440703MJL000000X"),
        Column("address", "地址", "详细地址", "江门市蓬江区建设路1号"),
        Column("capacity", "核定床位数", "整数", "120", False, "int"),
        Column("opened_on", "开业日期", "YYYY-MM-DD", "2015-06-01", False, "date"),
        Column("contact_phone", "联系电话", "座机或手机", "0750-3000000"),
    ),
    match_key=lambda v: (v["name"], v["division"].code),
    find=_facility_find,
    create=_facility_create,
    loaded=lambda scope: Facility.objects.for_scope(scope).count(),
    export=_facility_export,
)


# ---------------------------------------------------------------- beds

BED_TYPES = _labels(BedType)


def _bed_facility(ctx: Context, v: dict[str, Any]) -> Facility:
    facility = Facility.objects.filter(name=v["facility"], division=v["division"]).first()
    if facility is None:
        raise RowError(
            "机构名称", "no institution of this name in this division: load the institutions first"
        )
    return facility


def _bed_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    facility = _bed_facility(ctx, v)
    return Bed.objects.filter(
        facility=facility, building=v["building"], floor=v["floor"], room=v["room"], number=v["number"]
    ).first()


def _bed_create(ctx: Context, v: dict[str, Any]) -> Model:
    facility = _bed_facility(ctx, v)
    spec = BedSpec(
        room=v["room"], number=v["number"], bed_type=v["bed_type"], building=v["building"], floor=v["floor"]
    )
    return beds_add(facility=facility, beds=[spec], actor=ctx.actor)[0]


def _bed_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    beds = Bed.objects.filter(facility__in=Facility.objects.for_scope(scope)).select_related("facility")
    for b in beds.order_by("pk"):
        yield {
            "facility": b.facility.name,
            "division": b.facility.division_id,
            "building": b.building,
            "floor": b.floor,
            "room": b.room,
            "number": b.number,
            "bed_type": _label_of(BED_TYPES, b.bed_type),
        }


BEDS = Kind(
    key="beds",
    title="机构床位",
    description="每行一张床位；机构须先在“养老机构与服务站点”中导入。",
    columns=(
        Column("facility", "机构名称", "与机构模板中的名称一致", "蓬江区颐康养老院", required=True),
        Column("division", "所在区划代码", "机构的区划代码", "440703001001", True, "division"),
        Column("building", "楼栋", "留空为1", "1"),
        Column("floor", "楼层", "留空为1", "2"),
        Column("room", "房间号", "", "201", required=True),
        Column("number", "床号", "", "1", required=True),
        Column("bed_type", "床位类型", "见可选值", "护理型", True, "choice", BED_TYPES),
    ),
    match_key=lambda v: (
        v["facility"],
        v["division"].code,
        v["building"],
        v["floor"],
        v["room"],
        v["number"],
    ),
    find=_bed_find,
    create=_bed_create,
    loaded=lambda scope: Bed.objects.filter(facility__in=Facility.objects.for_scope(scope)).count(),
    export=_bed_export,
    depends_on=("institutions",),
)


# ---------------------------------------------------------------- home-care providers and canteens

PROVIDER_KINDS = _labels(ProviderKind)


def _provider_create(ctx: Context, v: dict[str, Any]) -> Model:
    areas = [ctx.division(code, "服务区域") for code in v.get("areas") or []]
    return provider_register(
        name=v["name"],
        kind=v["kind"],
        division=v["division"],
        actor=ctx.actor,
        areas=areas or None,
        organisation=Organisation.objects.filter(name=v["name"]).order_by("pk").first(),
        phone=v.get("phone", ""),
        credit_code=v.get("credit_code", ""),
    )


def _provider_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    providers = Provider.objects.for_scope(scope).select_related("organisation").prefetch_related("areas")
    for p in providers.order_by("pk"):
        yield {
            "name": p.name,
            "division": p.division_id,
            "kind": _label_of(PROVIDER_KINDS, p.kind),
            "phone": p.phone,
            "credit_code": p.organisation.credit_code,
            "areas": ";".join(a.division_id for a in p.areas.all()),
        }


PROVIDERS = Kind(
    key="providers",
    title="居家养老服务商",
    description="承接居家上门服务的企业或社会组织，每行一个服务商。",
    columns=(
        Column("name", "服务商名称", "", "江门康乐居家服务中心", required=True),
        Column("division", "注册区划代码", "区或街道代码", "440703001", True, "division"),
        Column("kind", "服务商类型", "见可选值", "企业", True, "choice", PROVIDER_KINDS),
        Column("phone", "联系电话", "", "13800000000"),
        Column("credit_code", "统一社会信用代码", "可留空", "91440703MA00000000"),
        Column(
            "areas",
            "服务区域",
            "区划代码，多个用分号分隔；留空为注册区划",
            "440703001;440703002",
            False,
            "list",
        ),
    ),
    match_key=lambda v: (v["name"], v["division"].code),
    find=lambda ctx, v: Provider.objects.filter(name=v["name"], division=v["division"]).first(),
    create=_provider_create,
    loaded=lambda scope: Provider.objects.for_scope(scope).count(),
    export=_provider_export,
)


def _canteen_create(ctx: Context, v: dict[str, Any]) -> Model:
    operator = ctx.organisation(
        name=v["operator"], kind=OrganisationKind.SOCIAL_ORGANISATION, division=v["division"]
    )
    return canteen_create(
        name=v["name"],
        operator=operator,
        division=v["division"],
        daily_capacity=v["daily_capacity"],
        delivers=v.get("delivers", True) if v.get("delivers") is not None else True,
        actor=ctx.actor,
    )


def _canteen_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    for c in Canteen.objects.for_scope(scope).select_related("operator").order_by("pk"):
        yield {
            "name": c.name,
            "division": c.division_id,
            "operator": c.operator.name,
            "daily_capacity": c.daily_capacity,
            "delivers": "是" if c.delivers else "否",
        }


CANTEENS = Kind(
    key="canteens",
    title="长者食堂与助餐点",
    description="每行一个长者食堂或助餐点。",
    columns=(
        Column("name", "食堂名称", "", "白沙街道长者食堂", required=True),
        Column("division", "所在区划代码", "街道或社区代码", "440703001001", True, "division"),
        Column("operator", "运营单位", "已有单位按名称匹配，否则新建", "白沙街道社工站", required=True),
        Column("daily_capacity", "日供餐能力", "每日最多供餐份数", "150", True, "int"),
        Column("delivers", "是否送餐", "是/否，留空为是", "是", False, "bool", YES_NO),
    ),
    match_key=lambda v: (v["name"], v["division"].code),
    find=lambda ctx, v: Canteen.objects.filter(name=v["name"], division=v["division"]).first(),
    create=_canteen_create,
    loaded=lambda scope: Canteen.objects.for_scope(scope).count(),
    export=_canteen_export,
)


# ---------------------------------------------------------------- workers

STAFF_CATEGORIES = _labels(StaffCategory)


def _worker_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    return Worker.objects.filter(id_number_hash=workforce_selectors.hash_id_number(v["id_number"])).first()


def _worker_create(ctx: Context, v: dict[str, Any]) -> Model:
    worker = worker_register(
        name=v["name"],
        id_number=v["id_number"],
        category=v["category"],
        division=v["division"],
        phone=v.get("phone", ""),
        actor=ctx.actor,
        today=ctx.today,
    )
    if v.get("employer"):
        employer = Organisation.objects.filter(name=v["employer"]).order_by("pk").first()
        if employer is None:
            raise RowError("就职单位", "no organisation of this name: load the organisations first")
        employment_start(
            employer=employer,
            position=worker.category,
            started_on=v.get("started_on") or ctx.today,
            actor=ctx.actor,
            worker=worker,
        )
    return worker


def _worker_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    workers = Worker.objects.for_scope(scope).select_related("current_employer").order_by("pk")
    for w in workers:
        yield {
            "name": w.name,
            "id_number": w.id_number,
            "category": _label_of(STAFF_CATEGORIES, w.category),
            "division": w.division_id,
            "phone": w.phone,
            "employer": w.current_employer.name if w.current_employer_id else "",  # type: ignore[union-attr]
            "started_on": "",
        }


WORKERS = Kind(
    key="workers",
    title="养老服务从业人员",
    description="护理员、社工、管理人员等，每行一人；身份证号用于匹配，重复导入不会重复登记。",
    columns=(
        Column("name", "姓名", "", "张丽", required=True),
        Column("id_number", "身份证号", "18位居民身份证号", "440703199001010023", True, "id_number"),
        Column("category", "人员类别", "见可选值", "养老护理员", True, "choice", STAFF_CATEGORIES),
        Column("division", "户籍或居住区划代码", "", "440703001", True, "division"),
        Column("phone", "手机号", "", "13800000001"),
        Column("employer", "就职单位", "机构或服务商名称，须已导入；可留空", "蓬江区颐康养老院"),
        Column("started_on", "入职日期", "YYYY-MM-DD，留空为今天", "2020-03-01", False, "date"),
    ),
    match_key=lambda v: (v["id_number"],),
    find=_worker_find,
    create=_worker_create,
    loaded=lambda scope: Worker.objects.for_scope(scope).count(),
    export=_worker_export,
    depends_on=("organisations",),
)


# ---------------------------------------------------------------- devices and their elders

DEVICE_KINDS = _labels(DeviceKind)


def _device_create(ctx: Context, v: dict[str, Any]) -> Model:
    elder = Elder.objects.filter(id_number_hash=id_number_hash(v["elder_id_number"])).first()
    if elder is None:
        if not v.get("elder_name") or v.get("elder_division") is None:
            raise RowError("老人姓名", "the elder is not registered: give name and community to register")
        elder = elder_create(
            name=v["elder_name"],
            id_number=v["elder_id_number"],
            residence_division=v["elder_division"],
            phone=v.get("elder_phone", ""),
            address=v.get("elder_address", ""),
            actor=ctx.actor,
            scope=ctx.scope,
            today=ctx.today,
        )
    elif not ctx.scope.covers_division(elder.residence_division_id):
        raise RowError("老人身份证号", "this elder is registered in another area")
    return device_register(elder=elder, kind=v["kind"], serial=v["serial"], actor=ctx.actor).device


def _device_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    for d in Device.objects.for_scope(scope).select_related("elder").order_by("pk"):
        elder = d.elder
        yield {
            "serial": d.serial,
            "kind": _label_of(DEVICE_KINDS, d.kind),
            "elder_id_number": elder.id_number if elder else "",
            "elder_name": elder.name if elder else "",
            "elder_division": elder.residence_division_id if elder else "",
            "elder_phone": elder.phone if elder else "",
            "elder_address": elder.address if elder else "",
        }


DEVICES = Kind(
    key="devices",
    title="智能终端及其服务老人",
    description=(
        "平安通等智能终端，每行一台；老人按身份证号匹配，未登记的老人同时登记。导入后终端需重新下发接入凭证。"
    ),
    columns=(
        Column("serial", "终端序列号", "设备唯一编号", "PAT-2024-000001", required=True),
        Column("kind", "终端类型", "见可选值", "一键呼叫器", True, "choice", DEVICE_KINDS),
        Column("elder_id_number", "老人身份证号", "", "440703194501010022", True, "id_number"),
        Column("elder_name", "老人姓名", "老人未登记时必填", "李秀英"),
        Column(
            "elder_division",
            "老人所在社区代码",
            "老人未登记时必填，12位社区代码",
            "440703001001",
            False,
            "division",
        ),
        Column("elder_phone", "老人电话", "", "13900000000"),
        Column("elder_address", "老人住址", "", "建设路1号3栋201"),
    ),
    match_key=lambda v: (v["serial"],),
    find=lambda ctx, v: Device.objects.filter(serial=v["serial"]).first(),
    create=_device_create,
    loaded=lambda scope: Device.objects.for_scope(scope).count(),
    export=_device_export,
)


# ---------------------------------------------------------------- volunteers and time balances

SKILLS = {str(label): value for value, label in Skill.choices} | {v: v for v in Skill.values}


def _volunteer_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    return Volunteer.objects.filter(id_number_hash=id_number_hash(v["id_number"])).first()


def _volunteer_create(ctx: Context, v: dict[str, Any]) -> Model:
    volunteer = volunteer_register(
        name=v["name"],
        id_number=v["id_number"],
        division=v["division"],
        phone=v.get("phone", ""),
        skills=v.get("skills") or [],
        actor=ctx.actor,
        today=ctx.today,
    )
    minutes = v.get("balance_minutes") or 0
    if minutes:
        deposit(volunteer=volunteer, minutes=minutes, actor=ctx.actor, memo="opening balance (onboarding)")
    return volunteer


def _volunteer_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    for vol in Volunteer.objects.for_scope(scope).order_by("pk"):
        yield {
            "name": vol.name,
            "id_number": vol.id_number,
            "division": vol.division_id,
            "phone": vol.phone,
            "skills": ";".join(vol.skills),
            "balance_minutes": volunteer_account(vol).balance_minutes,
        }


VOLUNTEERS = Kind(
    key="volunteers",
    title="志愿者及时间余额",
    description="时间银行志愿者，每行一人；“时间余额”作为期初存入，重复导入不会重复存入。",
    columns=(
        Column("name", "姓名", "", "王强", required=True),
        Column(
            "id_number", "身份证号", "18位居民身份证号，须年满18周岁", "440703198001010011", True, "id_number"
        ),
        Column("division", "所在社区代码", "12位社区代码", "440703001001", True, "division"),
        Column("phone", "手机号", "", "13700000000"),
        Column("skills", "服务技能", "多个用分号分隔，见可选值", "cleaning;chat", False, "list", SKILLS),
        Column("balance_minutes", "时间余额（分钟）", "原系统中的可用时间，整数分钟", "600", False, "int"),
    ),
    match_key=lambda v: (v["id_number"],),
    find=_volunteer_find,
    create=_volunteer_create,
    loaded=lambda scope: Volunteer.objects.for_scope(scope).count(),
    export=_volunteer_export,
)


# ---------------------------------------------------------------- subsidy recipients and entitlements


def _elder_by_id_number(ctx: Context, number: str) -> Elder:
    elder = Elder.objects.filter(id_number_hash=id_number_hash(number)).first()
    if elder is None:
        raise RowError("身份证号", "the elder is not registered: load the elders (department imports) first")
    if not ctx.scope.covers_division(elder.residence_division_id):
        raise RowError("身份证号", "this elder is registered in another area")
    return elder


def _programme_code(ctx: Context, text: str) -> str:
    programmes = programmes_on(ctx.today).programmes
    for code, programme in programmes.items():
        if text in (code, programme.name):
            return code
    raise RowError("补贴项目", f"unknown programme {text!r}; expected one of {', '.join(programmes)}")


def _entitlement_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    elder = _elder_by_id_number(ctx, v["id_number"])
    return Entitlement.objects.filter(
        elder=elder, programme_code=_programme_code(ctx, v["programme"]), start_on=v["start_on"]
    ).first()


def _entitlement_create(ctx: Context, v: dict[str, Any]) -> Model:
    return entitlement_migrate(
        elder=_elder_by_id_number(ctx, v["id_number"]),
        programme_code=_programme_code(ctx, v["programme"]),
        start_on=v["start_on"],
        end_on=v.get("end_on"),
        monthly_amount_fen=v.get("monthly_amount") or 0,
        actor=ctx.actor,
    )


def _entitlement_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    rows = Entitlement.objects.for_scope(scope).select_related("elder").order_by("pk")
    for e in rows:
        yield {
            "id_number": e.elder.id_number,
            "name": e.elder.name,
            "programme": e.programme_code,
            "start_on": e.start_on.isoformat(),
            "end_on": e.end_on.isoformat() if e.end_on else "",
            "monthly_amount": f"{e.monthly_amount_fen / 100:.2f}",
        }


ENTITLEMENTS = Kind(
    key="entitlements",
    title="补贴对象及待遇",
    description=(
        "原系统中正在享受（或已停止）的补贴，每行一项待遇；老人须已在档案中（部门数据导入）。"
        "补贴项目填写政策参数“benefits.programmes”中的项目代码或名称。"
    ),
    columns=(
        Column("id_number", "身份证号", "老人的18位身份证号", "440703194501010022", True, "id_number"),
        Column("name", "老人姓名", "仅供核对", "李秀英"),
        Column("programme", "补贴项目", "项目代码或名称，如 高龄津贴", "高龄津贴", required=True),
        Column("start_on", "开始日期", "YYYY-MM-DD", "2024-01-01", True, "date"),
        Column("end_on", "结束日期", "已停止的待遇填写；正在享受的留空", "", False, "any_date"),
        Column("monthly_amount", "每月金额（元）", "原系统发放标准，可留空", "100.00", False, "yuan"),
    ),
    match_key=lambda v: (v["id_number"], v["programme"], v["start_on"]),
    find=_entitlement_find,
    create=_entitlement_create,
    loaded=lambda scope: Entitlement.objects.for_scope(scope).count(),
    export=_entitlement_export,
    depends_on=("elders",),
)


# ---------------------------------------------------------------- past ability assessments

SHIPPED_INSTRUMENTS = [
    assessment_instruments.parse_instrument(d) for d in assessment_instruments.shipped_definitions()
]
INSTRUMENT_CODES = {inst.code: inst.code for inst in SHIPPED_INSTRUMENTS}
RESULT_STATES = [AssessmentStatus.PUBLISHED, AssessmentStatus.SUPERSEDED]


def _item_columns() -> tuple[Column, ...]:
    """One optional score column per item code of the shipped instruments (GB/T 42195 first)."""
    notes: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for inst in SHIPPED_INSTRUMENTS:
        for item in inst.items:
            names.setdefault(item.code, item.name)
            scores = "/".join(str(score) for score in sorted(item.scores))
            notes.setdefault(item.code, []).append(f"{inst.code} 第{item.number}项，得分 {scores}")
    return tuple(
        Column(code, f"{names[code]}（{code}）", "；".join(notes[code]), "", False, "int") for code in names
    )


ITEM_COLUMNS = _item_columns()


def _level_note() -> str:
    parts = []
    for inst in SHIPPED_INSTRUMENTS:
        levels = "、".join(f"{lv.level} {assessment_rules.level_names(lv)[-1]}" for lv in inst.levels)
        parts.append(f"{inst.code}：{levels}")
    return "填写等级数字或等级名称。" + "；".join(parts)


def _assessment_find(ctx: Context, v: dict[str, Any]) -> Model | None:
    elder = _elder_by_id_number(ctx, v["id_number"])
    return Assessment.objects.filter(
        elder=elder,
        instrument__code=v["instrument"],
        assessed_on=v["assessed_on"],
        status__in=RESULT_STATES,
        purpose__in=list(CURRENT_PURPOSES),
    ).first()


def _assessment_create(ctx: Context, v: dict[str, Any]) -> Model:
    elder = _elder_by_id_number(ctx, v["id_number"])
    try:
        inst = instrument_definition(instrument_row(v["instrument"]))
    except DomainError as exc:
        raise RowError("评估量表", exc.message) from exc
    level = assessment_rules.level_from_text(inst, v["level"])
    if level is None:
        allowed = ", ".join(f"{lv.level} {lv.name}" for lv in inst.levels)
        raise RowError("能力等级", f"unknown level {v['level']!r} of {inst.code}; expected one of {allowed}")
    answers = {c.field: v[c.field] for c in ITEM_COLUMNS if v.get(c.field) is not None}
    return assessment_migrate(
        elder=elder,
        instrument_code=inst.code,
        assessed_on=v["assessed_on"],
        level=level,
        total=v.get("total"),
        answers=answers,
        valid_until=v.get("valid_until"),
        assessor_names=v.get("assessors", ""),
        organisation_name=v.get("organisation", ""),
        actor=ctx.actor,
        today=ctx.today,
    )


def _assessments_in(scope: DataScope) -> Any:
    return Assessment.objects.for_scope(scope).filter(
        status__in=RESULT_STATES, purpose__in=list(CURRENT_PURPOSES), level__isnull=False
    )


def _assessment_export(scope: DataScope) -> Iterator[dict[str, Any]]:
    rows = _assessments_in(scope).select_related("elder", "instrument", "assessor_1", "assessor_2")
    for a in rows.order_by("elder_id", "assessed_on", "pk"):
        assessors = a.legacy_assessors or "、".join(
            str(user) for user in (a.assessor_1, a.assessor_2) if user is not None
        )
        yield {
            "id_number": a.elder.id_number,
            "name": a.elder.name,
            "instrument": a.instrument.code,
            "assessed_on": a.assessed_on.isoformat() if a.assessed_on else "",
            "level": a.level,
            "total": "" if a.total is None else a.total,
            "valid_until": a.valid_until.isoformat() if a.valid_until else "",
            "assessors": assessors,
            "organisation": a.legacy_organisation,
        } | (dict(a.answers) if a.rescored else {})


ASSESSMENTS = Kind(
    key="assessments",
    title="历史能力评估结果",
    description=(
        "原评估系统中已发布的老年人能力评估结果，每行一次评估；老人须已在档案中（部门数据导入）。"
        "填写全部条目得分时按量表重新计分，能力等级（及总分）须与计算结果一致；只填等级时按原系统记录保存，"
        "标记为未重新计分。评估日期晚于老人当前结果的成为当前结果（原结果被替代），较早的作为历史记录保存。"
    ),
    columns=(
        Column("id_number", "身份证号", "老人的18位身份证号", "440703194501010022", True, "id_number"),
        Column("name", "老人姓名", "仅供核对", "李秀英"),
        Column("instrument", "评估量表", "见可选值", "GB/T 42195-2022", True, "choice", INSTRUMENT_CODES),
        Column("assessed_on", "评估日期", "YYYY-MM-DD，不能晚于今天", "2024-05-20", True, "date"),
        Column("level", "能力等级", _level_note(), "2", required=True),
        Column(
            "total",
            "总分",
            "GB/T 42195-2022 为26项得分之和（0–90）；MZ/T 039-2013 为日常生活活动得分（0–100）；可留空",
            "58",
            False,
            "int",
        ),
        Column(
            "valid_until",
            "有效期至",
            "YYYY-MM-DD；留空按评估日期和政策参数“assessment.validity”计算",
            "2025-05-19",
            False,
            "any_date",
        ),
        Column("assessors", "评估员", "原系统记录的评估员姓名，多个用顿号分隔", "王芳、陈明"),
        Column("organisation", "评估机构", "原系统记录的评估机构", "江门市老年人能力评估中心"),
        *ITEM_COLUMNS,
    ),
    match_key=lambda v: (v["id_number"], v["instrument"], v["assessed_on"]),
    find=_assessment_find,
    create=_assessment_create,
    loaded=lambda scope: _assessments_in(scope).count(),
    export=_assessment_export,
    depends_on=("elders",),
)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        ORGANISATIONS,
        INSTITUTIONS,
        BEDS,
        PROVIDERS,
        CANTEENS,
        WORKERS,
        DEVICES,
        ASSESSMENTS,
        ENTITLEMENTS,
        VOLUNTEERS,
    )
}


def kind_or_error(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError as exc:
        raise DomainError("onboarding_kind_unknown", f"Unknown template {key!r}.", status=404) from exc


def ordered_kinds() -> Iterable[Kind]:
    return KINDS.values()


def today() -> date:
    return timezone.localdate()
