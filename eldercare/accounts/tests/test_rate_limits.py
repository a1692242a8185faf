"""Rate limits on sign-in (per client address) and one-time codes (per account)."""

from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from eldercare.accounts.models import User
from eldercare.accounts.roles import Role
from eldercare.accounts.tests.test_sign_in import LOGIN, two_factor_for_community_workers  # noqa: F401
from eldercare.core import ratelimit
from eldercare.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "sign_in", (3, 300))
    monkeypatch.setitem(ratelimit.LIMITS, "otp", (2, 300))


@override_settings(AXES_FAILURE_LIMIT=100)  # the per-account lockout is not under test here
def test_an_address_that_tries_many_accounts_is_slowed_down(
    client: Client, make_user: Callable[[str], User], tight_limits: None
) -> None:
    # given an account, and an address that guessed three other accounts' passwords
    user = make_user(Role.DISTRICT_OFFICER)
    statuses = [client.post(LOGIN, {"username": f"x{i}", "password": "guess"}).status_code for i in range(3)]
    assert statuses == [200, 200, 200]
    # when it tries once more, even with a right password
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    # then it is refused with 429 and not signed in
    assert response.status_code == 429
    assert gettext("Too many sign-in attempts from this address. Try again in a few minutes.") in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # and another address is not affected
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_an_account_that_tries_many_codes_is_refused_even_the_right_one(
    client: Client,
    make_user: Callable[[str], User],
    two_factor_for_community_workers: None,  # noqa: F811
    tight_limits: None,
) -> None:
    # given a community worker who must confirm a code, signed in with the password
    user = make_user(Role.COMMUNITY_WORKER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302
    # when two wrong codes were tried
    for _ in range(2):
        assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    # then the third try is refused before the code is checked
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 429
    assert client.get("/elders/")["Location"] == reverse("accounts:otp_verify")


def test_successful_sign_ins_from_one_office_address_are_not_limited(
    make_user: Callable[[str], User], tight_limits: None
) -> None:
    # given five colleagues signing in from the same office address (limit: 3 failures)
    roles = (Role.DISTRICT_OFFICER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.ASSESSOR, Role.INSPECTOR)
    users = [make_user(role) for role in roles]
    # then every one gets in
    for user in users:
        answer = Client(REMOTE_ADDR="10.0.0.1").post(LOGIN, {"username": user.username, "password": PASSWORD})
        assert answer.status_code == 302
