"""Factories shared by every app's tests: divisions come from the real data loaded in conftest."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import factory

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.core.ids import make_resident_id
from eldercare.core.models import Division, Organisation, OrganisationKind
from eldercare.registry.models import Elder
from eldercare.registry.services import elder_build

PASSWORD = "Test-Password-2025"

# Real divisions of Jiangmen used across tests: two districts, their first streets and communities.
CITY = "4407"
DISTRICT = "440703"  # 蓬江区
OTHER_DISTRICT = "440705"  # 新会区


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def first_child(code: str) -> Division:
    return Division.objects.filter(parent_id=code).order_by("code").first()  # type: ignore[return-value]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"养老机构{n}")
    kind = OrganisationKind.INSTITUTION
    division = factory.LazyFunction(lambda: first_child(DISTRICT))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITY_ADMIN
    division = factory.LazyFunction(lambda: division(CITY))

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = model_class(*args, **kwargs)
        user.set_password(PASSWORD)
        user.save()
        return user


class ElderFactory(factory.django.DjangoModelFactory):
    """Elders get a valid, unique resident ID number whose birth date and sex match the record."""

    class Meta:
        model = Elder

    name = factory.Sequence(lambda n: f"测试{n}")
    sex = "F"
    birth_date = factory.Sequence(lambda n: date(1930 + n % 30, 1 + n % 12, 1 + n % 28))
    residence_division = factory.LazyFunction(lambda: first_child(first_child(DISTRICT).code))

    @classmethod
    def _create(cls, model_class: type[Elder], *args: Any, **kwargs: Any) -> Elder:
        division = kwargs.pop("residence_division")
        n = next(_sequence)
        sex, birth = kwargs.pop("sex"), kwargs.pop("birth_date")
        number = make_resident_id(division.code[:6], birth, (n * 2 + (1 if sex == "M" else 0)) % 1000)
        elder = elder_build(
            id_number=number, sex=sex, birth_date=birth, residence_division_id=division.code, **kwargs
        )
        elder.save()
        return elder


_sequence = itertools.count(1)


def sign_in_verified(client: Any, user: User) -> None:
    """Sign in as if the user had also confirmed a TOTP code (for roles the city requires 2FA of)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
