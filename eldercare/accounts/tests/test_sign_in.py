"""Sign-in: lockout after repeated failures, two-factor for the roles that need it, password rules."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.accounts.services import user_create
from eldercare.core.exceptions import DomainError
from eldercare.core.models import AuditEntry, CityProfile, Division
from eldercare.core.services import policy_set
from eldercare.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_account_is_locked_after_repeated_failures(
    client: Client, make_user: Callable[[str], User]
) -> None:
    # given an account
    user = make_user(Role.COMMUNITY_WORKER)
    # when the wrong password is tried three times
    statuses = [sign_in(client, user.username, "wrong-password") for _ in range(3)]
    # then the third attempt locks the account, and even the right password is refused while locked
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_is_audited(client: Client, make_user: Callable[[str], User]) -> None:
    user = make_user(Role.DISTRICT_OFFICER)
    assert sign_in(client, user.username, PASSWORD) == 302
    entry = AuditEntry.objects.get(action="user.signed_in")
    assert entry.actor == user and entry.channel == "web" and entry.ip_address == "127.0.0.1"


@pytest.fixture
def two_factor_for_community_workers() -> None:
    profile = CityProfile.objects.create(code="jiangmen", name="江门市", division_id="4407")
    policy_set(
        profile=profile,
        key="security.require_2fa_roles",
        value=["community_worker"],
        valid_from=date(2021, 1, 1),
        actor=None,
        reason="test",
    )


@override_settings(
    OTP_TOTP_THROTTLE_FACTOR=0
)  # django-otp slows retries after a failure; not under test here
def test_a_role_that_needs_two_factor_must_confirm_a_code(
    client: Client, make_user: Callable[[str], User], two_factor_for_community_workers: None
) -> None:
    # given a community worker with a confirmed authenticator
    user = make_user(Role.COMMUNITY_WORKER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    # when they sign in with the password only
    assert sign_in(client, user.username, PASSWORD) == 302
    # then pages and the API send them to confirm a code first
    assert client.get("/elders/")["Location"] == reverse("accounts:otp_verify")
    assert client.get("/api/v1/me").status_code == 401
    # and a wrong code is refused and audited, a right one lets them in
    assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": code})["Location"] == reverse("home")
    assert client.get("/elders/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert set(AuditEntry.objects.filter(action__startswith="user.2fa").values_list("action", flat=True)) == {
        "user.2fa_failed",
        "user.2fa_verified",
    }


def test_a_role_that_needs_two_factor_without_a_device_is_sent_to_set_one_up(
    client: Client, make_user: Callable[[str], User], two_factor_for_community_workers: None
) -> None:
    user = make_user(Role.COMMUNITY_WORKER)
    client.force_login(user)
    assert client.get("/")["Location"] == reverse("accounts:otp_verify")
    assert client.get(reverse("accounts:otp_verify"))["Location"] == reverse("accounts:otp_setup")
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and b"data:image/svg+xml;base64" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("accounts:otp_setup"), {"token": code}).status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/elders/").status_code == 200


def test_other_roles_are_not_asked_for_a_code(
    client: Client, make_user: Callable[[str], User], two_factor_for_community_workers: None
) -> None:
    client.force_login(make_user(Role.DISTRICT_OFFICER))
    assert client.get("/elders/").status_code == 200


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1A!", "password_weak"),
        ("alllowercaseletters", "password_weak"),
        ("1234567890123", "password_weak"),
    ],
)
def test_weak_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(DomainError) as info:
        user_create(
            username="newbie",
            password=password,
            role=Role.CITY_ADMIN,
            division=Division.objects.get(code="4407"),
            actor=None,
        )
    assert info.value.code == code


@pytest.mark.parametrize(
    ("role", "division_code", "code"),
    [
        (Role.DISTRICT_OFFICER, "4407", "binding_level"),  # a district officer sits at a district
        (Role.STREET_OFFICER, None, "binding_required"),
        (Role.INSTITUTION_OPERATOR, None, "binding_required"),  # needs an organisation
    ],
)
def test_a_staff_account_must_be_bound_where_its_role_works(
    role: str, division_code: str | None, code: str
) -> None:
    division = Division.objects.get(code=division_code) if division_code else None
    with pytest.raises(DomainError) as info:
        user_create(username="newbie", password="Strong-Password-1", role=role, division=division, actor=None)
    assert info.value.code == code


def test_sessions_expire_when_idle_and_when_the_browser_closes(settings: object) -> None:
    from django.conf import settings as live

    assert live.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert live.SESSION_SAVE_EVERY_REQUEST is True
    assert live.SESSION_COOKIE_AGE <= 3600
