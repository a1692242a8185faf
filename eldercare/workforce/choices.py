"""Choices of the workforce registry (养老服务从业人员信息库)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffCategory(models.TextChoices):
    NURSING_WORKER = "nursing_worker", _("Care worker (养老护理员)")
    SOCIAL_WORKER = "social_worker", _("Social worker (社会工作者)")
    MANAGER = "manager", _("Manager (管理人员)")
    ASSESSOR = "assessor", _("Assessor (评估员)")
    DOCTOR = "doctor", _("Doctor (医生)")
    NURSE = "nurse", _("Nurse (护士)")
    OTHER = "other", _("Other staff")


class SkillLevel(models.IntegerChoices):
    """养老护理员 职业技能等级 (国家职业技能标准 养老护理员, 2019): level 5 is entry level, 1 the highest."""

    LEVEL_5 = 5, _("Level 5 / junior (五级/初级工)")
    LEVEL_4 = 4, _("Level 4 / intermediate (四级/中级工)")
    LEVEL_3 = 3, _("Level 3 / senior (三级/高级工)")
    LEVEL_2 = 2, _("Level 2 / technician (二级/技师)")
    LEVEL_1 = 1, _("Level 1 / senior technician (一级/高级技师)")


class CertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("Vocational skill level certificate (职业技能等级证书)")
    SOCIAL_WORK = "social_work", _("Social work qualification (社会工作者职业资格)")
    MEDICAL_LICENCE = "medical_licence", _("Practising licence (执业证书)")
    HEALTH = "health", _("Health certificate (健康证)")
    ASSESSOR = "assessor", _("Assessor certificate (评估员证书)")
    OTHER = "other", _("Other")


class CourseKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job training (岗前培训)")
    ON_JOB = "on_job", _("On-the-job training (在岗培训)")
    SKILL_LEVEL = "skill_level", _("Skill level training (等级培训)")
    MANAGEMENT = "management", _("Management training (院长培训)")


class RewardKind(models.TextChoices):
    ENTRY = "entry", _("Entry subsidy (入职补贴)")
    POST = "post", _("Post subsidy (岗位补贴)")
    SKILL = "skill", _("Skill level subsidy (等级补贴)")
    HONOUR = "honour", _("Commendation (表彰)")


class CreditDirection(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEGATIVE = "negative", _("negative")


class CreditSource(models.TextChoices):
    INSPECTION = "inspection", _("inspection")
    COMPLAINT = "complaint", _("complaint")
    COURT = "court", _("court or law enforcement")
    EMPLOYER = "employer", _("employer")
    TRAINING = "training", _("training")
    COMMENDATION = "commendation", _("commendation")
    OTHER = "other", _("other")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("listed")
    REMOVED = "removed", _("removed")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    UPHELD = "upheld", _("upheld: listing removed")
    REJECTED = "rejected", _("rejected")
