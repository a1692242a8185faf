"""Sign-in, two-factor set-up, staff accounts, API tokens and the permission matrix page."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from eldercare.accounts.decorators import require_page
from eldercare.accounts.forms import OtpForm, StaffAccountForm, TokenForm
from eldercare.accounts.permissions import API_OPERATIONS, CAPABILITIES, PAGES
from eldercare.accounts.principal import ScopedRequest
from eldercare.accounts.roles import Role
from eldercare.accounts.selectors import token_list as select_tokens
from eldercare.accounts.selectors import user_list as select_users
from eldercare.accounts.services import (
    session_event_record,
    token_create,
    token_revoke,
    totp_device_confirm,
    totp_device_start,
    totp_verify,
    user_create,
)
from eldercare.core.exceptions import DomainError
from eldercare.core.models import Division, Organisation
from eldercare.core.ratelimit import count_failure, exhausted, over_limit


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        session_event_record(user=form.get_user(), event="signed_in")
        return response

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        """At most `ratelimit.LIMITS['sign_in']` failed attempts per client address (axes also locks per
        user); successful sign-ins do not count, so a whole office behind one address is not slowed down."""
        address = request.META.get("REMOTE_ADDR", "")
        if exhausted("sign_in", address):
            form = self.get_form_class()(request)  # unbound: the password is not even checked
            message = _("Too many sign-in attempts from this address. Try again in a few minutes.")
            form._errors = ErrorDict(  # type: ignore[attr-defined]
                {NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")}
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            count_failure("sign_in", address)
        return response


@require_page("accounts:profile")
def profile(request: ScopedRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    return render(request, "accounts/profile.html", {"devices": devices})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_page("accounts:otp_setup")
def otp_setup(request: ScopedRequest) -> HttpResponse:
    """Show a new authenticator secret as a QR code and confirm it with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = OtpForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"], actor=request.user):  # type: ignore[arg-type]
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts:profile")
        form.add_error("token", _("The code is wrong or expired."))
    if device is None:
        device = totp_device_start(user=request.user)  # type: ignore[arg-type]
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": secret,
        },
    )


@require_page("accounts:otp_verify")
def otp_verify(request: ScopedRequest) -> HttpResponse:
    """Second step of sign-in for roles that must use 2FA; without a device, go set one up."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and over_limit("otp", str(request.user.pk)):
        form.add_error("token", _("Too many codes tried. Wait a few minutes and try again."))
        return render(request, "accounts/otp_verify.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        device = totp_verify(user=request.user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            return redirect("home")
        form.add_error("token", _("The code is wrong or expired."))
    return render(request, "accounts/otp_verify.html", {"form": form})


def _divisions_in_scope(request: ScopedRequest) -> Any:
    return Division.objects.for_scope(request.scope)


@require_page("accounts:user_list")
def user_list(request: ScopedRequest) -> HttpResponse:
    organisations = Organisation.objects.for_scope(request.scope)
    form = StaffAccountForm(
        request.POST or None, organisations=organisations, divisions=_divisions_in_scope(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_create(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                display_name=data["display_name"],
                division=data["division_code"],
                organisation=data["organisation"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The account was created."))
            return redirect("accounts:user_list")
    users = select_users(scope=request.scope, search=request.GET.get("q", ""))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "form": form})


@require_page("accounts:token_list")
def token_list(request: ScopedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, divisions=_divisions_in_scope(request))
    secret = None
    if request.method == "POST" and request.POST.get("revoke"):
        token = get_object_or_404(select_tokens(scope=request.scope), pk=request.POST["revoke"])
        token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token was revoked."))
        return redirect("accounts:token_list")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, secret = token_create(
                name=data["name"],
                role=data["role"],
                division=data["division_code"],
                expires_at=data["expires_at"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenForm(divisions=_divisions_in_scope(request))
    tokens = select_tokens(scope=request.scope)
    return render(request, "accounts/token_list.html", {"tokens": tokens, "form": form, "secret": secret})


@require_page("accounts:permission_matrix")
def permission_matrix(request: ScopedRequest) -> HttpResponse:
    roles = list(Role)
    rows = [
        {
            "capability": cap,
            "cells": [role in holders for role in roles],
            "pages": sorted(p for p, c in PAGES.items() if c == cap),
            "operations": sorted(o for o, c in API_OPERATIONS.items() if c == cap),
        }
        for cap, holders in CAPABILITIES.items()
    ]
    return render(request, "accounts/permission_matrix.html", {"roles": roles, "rows": rows})


@require_POST
def logout(request: ScopedRequest) -> HttpResponse:
    if request.user.is_authenticated:
        session_event_record(user=request.user, event="signed_out")
    return auth_views.LogoutView.as_view()(request)
