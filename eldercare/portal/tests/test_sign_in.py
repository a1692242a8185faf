"""Sign-in by phone and one-time code: hashed codes, expiry, wrong tries, send limits, accounts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eldercare.accounts.roles import Role
from eldercare.core.exceptions import DomainError
from eldercare.core.tests.factories import ElderFactory
from eldercare.portal.models import OneTimeCode, PortalIdentity
from eldercare.portal.services import otp_send, otp_verify
from eldercare.registry.services.elders import phone_hash
from eldercare.timebank.selectors import linked_elders

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def elder_with_phone(phone: str = PHONE):  # type: ignore[no-untyped-def]
    return ElderFactory(phone=phone)


def test_the_code_goes_by_sms_and_only_its_hash_is_stored(outbox: list[tuple[str, str]]) -> None:
    code = otp_send(phone=PHONE)
    row = OneTimeCode.objects.get()
    assert outbox == [(PHONE, outbox[0][1])] and code in outbox[0][1]
    assert code not in row.code_hash and row.phone_hash == phone_hash(PHONE)


def test_an_elder_in_the_registry_signs_in_and_is_linked_to_their_own_record() -> None:
    elder = elder_with_phone()
    code = otp_send(phone=PHONE)
    user = otp_verify(phone=PHONE, code=code)
    assert user.role == Role.ELDER
    assert list(linked_elders(user=user)) == [elder]
    # signing in again finds the same account
    code = otp_send(phone=PHONE, now=timezone.now() + timedelta(minutes=2))
    assert otp_verify(phone=PHONE, code=code, now=timezone.now() + timedelta(minutes=2)) == user


def test_an_unknown_phone_gets_a_family_account_that_sees_nobody() -> None:
    user = otp_verify(phone=PHONE, code=otp_send(phone=PHONE))
    assert user.role == Role.FAMILY
    assert not linked_elders(user=user).exists()
    assert PortalIdentity.objects.get(user=user).phone == PHONE


def test_an_expired_code_is_refused() -> None:
    code = otp_send(phone=PHONE)
    with pytest.raises(DomainError) as exc:
        otp_verify(phone=PHONE, code=code, now=timezone.now() + timedelta(minutes=6))
    assert exc.value.code == "otp_expired"


def test_after_five_wrong_tries_even_the_right_code_is_refused() -> None:
    code = otp_send(phone=PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError) as exc:
            otp_verify(phone=PHONE, code=wrong)
        assert exc.value.code == "otp_wrong"
    assert OneTimeCode.objects.get().attempts == 5
    with pytest.raises(DomainError) as exc:
        otp_verify(phone=PHONE, code=code)
    assert exc.value.code == "otp_locked"


def test_a_code_works_once() -> None:
    code = otp_send(phone=PHONE)
    otp_verify(phone=PHONE, code=code)
    with pytest.raises(DomainError) as exc:
        otp_verify(phone=PHONE, code=code)
    assert exc.value.code == "otp_used"


def test_codes_are_rate_limited_per_phone_and_per_address() -> None:
    now = timezone.now()
    otp_send(phone=PHONE, now=now)
    with pytest.raises(DomainError) as exc:
        otp_send(phone=PHONE, now=now + timedelta(seconds=10))
    assert exc.value.code == "otp_too_soon" and exc.value.status == 429
    for i in range(1, 5):
        otp_send(phone=PHONE, now=now + timedelta(minutes=2 * i))
    with pytest.raises(DomainError) as exc:
        otp_send(phone=PHONE, now=now + timedelta(minutes=12))
    assert exc.value.code == "otp_phone_limit"
    for i in range(30):
        otp_send(phone=f"137{i:08d}", client_ip="10.0.0.1", now=now)
    with pytest.raises(DomainError) as exc:
        otp_send(phone="13600000000", client_ip="10.0.0.1", now=now)
    assert exc.value.code == "otp_ip_limit"


def test_a_landline_or_garbage_is_refused_before_any_sms() -> None:
    with pytest.raises(DomainError) as exc:
        otp_send(phone="0750-3333333")
    assert exc.value.code == "phone_invalid"
    assert not OneTimeCode.objects.exists()


def test_the_pages_sign_an_elder_in_and_switch_elder_mode_on(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    elder = elder_with_phone()
    response = client.post(reverse("portal:signin"), {"phone": PHONE})
    assert response.status_code == 302 and response.cookies["elder_mode"].value == "1"
    page = client.get(reverse("portal:signin_code"))
    code = page.context["dev_code"]
    response = client.post(reverse("portal:signin_code"), {"code": code})
    assert response.status_code == 302
    response = client.get(reverse("portal:home"), follow=True)
    assert elder.masked_name in response.content.decode()


def test_the_code_page_does_not_show_the_code_outside_development(client: Client) -> None:
    client.post(reverse("portal:signin"), {"phone": PHONE})
    page = client.get(reverse("portal:signin_code"))
    assert page.context["dev_code"] is None


def test_a_refusal_reads_in_chinese_on_the_chinese_page(client: Client) -> None:
    # the services' messages are marked with _n (gettext_noop) and must be extracted and translated
    response = client.post(reverse("portal:signin"), {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert "请输入11位手机号码" in response.content.decode()
