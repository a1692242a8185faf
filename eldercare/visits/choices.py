"""Choices of the visits module (探访关爱)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """探访分级. The three tiers are fixed; how often each is visited is policy (`visits.tiers`)."""

    HIGH_RISK = "high_risk", _("high risk (高风险对象)")
    KEY = "key", _("key (重点对象)")
    GENERAL = "general", _("general (一般对象)")


class VisitorKind(models.TextChoices):
    """探访员: who carries out visits."""

    COMMUNITY_WORKER = "community_worker", _("community worker (社区工作者)")
    GRID_WORKER = "grid_worker", _("grid worker (网格员)")
    SOCIAL_WORKER = "social_worker", _("social worker (社会工作者)")
    VOLUNTEER = "volunteer", _("volunteer (志愿者)")
    OFFICER = "officer", _("street officer (街道干部)")


class TaskKind(models.TextChoices):
    PLANNED = "planned", _("planned visit")
    ALARM = "alarm", _("visit after an alarm (警情回访)")
    RETRY = "retry", _("revisit after not found at home (未遇复访)")
    MANUAL = "manual", _("added by hand")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Method(models.TextChoices):
    """探访方式: 上门入户, or by phone or video (民政部等 2022 指导意见)."""

    IN_PERSON = "in_person", _("in person (上门)")
    PHONE = "phone", _("by phone (电话)")
    VIDEO = "video", _("by video (视频)")


class Outcome(models.TextChoices):
    VISITED = "visited", _("visited")
    NOT_FOUND = "not_found", _("not found at home (未遇)")


class CheckItem(models.TextChoices):
    """The short checklist of the elder's state (探访内容)."""

    HEALTH = "health", _("health (健康状况)")
    MOOD = "mood", _("mood (精神状态)")
    HOME_SAFETY = "home_safety", _("home safety: gas, water, power (居家安全)")
    FOOD = "food", _("food (饮食)")
    HEATING_COOLING = "heating_cooling", _("heating and cooling (取暖/防暑)")
    MEDICINES = "medicines", _("medicines (用药)")
    NEEDS = "needs", _("needs (需求)")


class CheckLevel(models.TextChoices):
    OK = "ok", _("fine")
    CONCERN = "concern", _("needs attention")
    RISK = "risk", _("risk")


class FollowUpKind(models.TextChoices):
    """跟进事项 raised by a visit."""

    HOME_CARE = "home_care", _("refer to home care (转介居家服务)")
    REASSESSMENT = "reassessment", _("request a reassessment (申请重新评估)")
    EMERGENCY_DEVICE = "emergency_device", _("emergency call device (安装紧急呼叫设备)")
    CONTACT_FAMILY = "contact_family", _("contact the family (联系家属)")
    MEDICAL = "medical", _("medical help / family doctor (就医协助)")
    HOME_ADAPTATION = "home_adaptation", _("home adaptation (适老化改造)")
    LOCATE = "locate", _("find out where the elder is (确认去向)")
    OTHER = "other", _("other")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", pgettext_lazy("follow-up status", "in progress")
    CLOSED = "closed", _("closed")


class Severity(models.TextChoices):
    NORMAL = "normal", _("normal")
    SERIOUS = "serious", _("serious")


class PeriodEnd(models.TextChoices):
    """Why an elder left the target list."""

    DEATH = "death", _("died")
    MOVED_OUT = "moved_out", _("moved out of the city")
    INSTITUTION = "institution", _("entered an institution")
    NOT_ELIGIBLE = "not_eligible", _("no longer in special difficulty")
    MOVED_WITHIN = "moved_within", _("moved to another community")


class TierSource(models.TextChoices):
    RULE = "rule", _("rule")
    OVERRIDE = "override", _("set by a worker")
    OVERRIDE_CLEARED = "override_cleared", _("back to the rule")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
