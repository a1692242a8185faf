"""The elder registry (老年人信息档案): one record per elder that every module reads."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.core.crypto import EncryptedTextField
from eldercare.core.ids import mask_name
from eldercare.core.models import Division, TimeStampedModel
from eldercare.core.scope import ScopedQuerySet
from eldercare.registry.choices import EconomicStatus, ElderStatus, LivingSituation, Sex


class Elder(TimeStampedModel):
    """老年人: a resident aged 60 or over, placed in the community (社区/村) where they live.

    The resident ID number and phone are stored encrypted with a keyed hash for exact lookup; pages
    show masked forms, and revealing them is an audited action (`elder_reveal_personal`).
    """

    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(_("resident ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    residence_division = models.ForeignKey(
        Division, verbose_name=_("community of residence"), on_delete=models.PROTECT, related_name="+"
    )
    address = EncryptedTextField(_("address"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    living_situation = models.CharField(
        _("living situation"), max_length=16, choices=LivingSituation.choices, default=LivingSituation.OTHER
    )
    economic_status = models.CharField(
        _("economic status"), max_length=16, choices=EconomicStatus.choices, default=EconomicStatus.ORDINARY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ElderStatus.choices, default=ElderStatus.ACTIVE
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_division_field: ClassVar[str | None] = "residence_division"

    class Meta:
        ordering = ["id"]
        verbose_name = _("elder")
        verbose_name_plural = _("elders")
        indexes = [models.Index(fields=["residence_division", "status"], name="elder_division_status")]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)
