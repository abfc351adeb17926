from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.accounts import services, throttle
from coffeechat.accounts.forms import (
    EmailChangeForm,
    PasswordConfirmForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
    ThrottledPasswordChangeForm,
)
from coffeechat.accounts.models import ApiToken
from coffeechat.accounts.reauth import reauth_record, reauth_required
from coffeechat.lib.email import smtp_configured
from coffeechat.lib.http import SignedInRequest

TOO_MANY = 429


def _throttled_status(form: Form, response: HttpResponse) -> HttpResponse:
    """A form refused for too many attempts answers 429, so scripts can tell."""
    if getattr(form, "throttled", False):
        response.status_code = TOO_MANY
    return response


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "accounts/welcome.html")
    if services.profile_for(request.user).completed_at is None:
        return redirect("profile")
    return redirect("today")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Counted before the username is checked, so probing names is slowed too.
            throttle.throttle_take(throttle.SIGNUP_IP, throttle.client_ip(request))
            user = services.user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "password1" if field == "password" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        except throttle.Throttled as exc:
            form.throttled = True
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Coffeechat! A few details about you first.")
            return redirect("profile")
    return _throttled_status(form, render(request, "accounts/signup.html", {"form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: SignedInRequest) -> HttpResponse:
    current = services.profile_for(request.user)
    first_time = current.completed_at is None
    form = ProfileForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.profile_update(profile=current, **form.cleaned_data)
        if first_time:
            messages.success(request, "Profile saved. Now add the first people you could talk to.")
            return redirect("contact_list")
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form, "first_time": first_time})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    new_key, error, status = None, "", 200
    if request.method == "POST":
        try:
            _, new_key = services.api_token_create_throttled(
                user=request.user,
                ip=throttle.client_ip(request),
                name=request.POST.get("name", "")[:100],
            )
        except throttle.Throttled as exc:
            error, status = exc.message, TOO_MANY
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_key": new_key,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: SignedInRequest, token_id: uuid.UUID) -> HttpResponse:
    if not services.api_token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such token.")
    messages.success(request, "Token revoked: programs using it can no longer sign in.")
    return redirect("tokens")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: SignedInRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            services.user_delete(
                user=request.user,
                password=request.POST.get("password", ""),
                ip=throttle.client_ip(request),
            )
        except throttle.Throttled as exc:
            error, status = f"{exc.message} Nothing was deleted.", TOO_MANY
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            logout(request)
            # Added after logout, which empties the session, so the message survives it.
            messages.success(request, "Your account and everything in it have been deleted.")
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"error": error}, status=status)


# Signing in, confirming the password, changing and resetting it ------------------------


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        return _throttled_status(form, super().form_invalid(form))


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: SignedInRequest) -> HttpResponse:
    """ "Confirm your password": then on to `next`, the page that asked for it."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("profile")
    form = PasswordConfirmForm(
        request.POST or None, user=request.user, ip=throttle.client_ip(request)
    )
    if request.method == "POST" and form.is_valid():
        reauth_record(request)
        return redirect(next_url)
    response = render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url, "minutes": settings.COFFEECHAT_REAUTH_MINUTES},
    )
    return _throttled_status(form, response)


@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def email_change(request: SignedInRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_email_change(user=request.user, email=form.cleaned_data["email"])
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error("email", error)
        else:
            messages.success(request, "Email address changed.")
            return redirect("profile")
    return render(request, "accounts/email_change.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's: it keeps this session signed in (update_session_auth_hash) and, by changing
    the password hash every session carries, ends all the others."""

    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "ip": throttle.client_ip(self.request)}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        reauth_record(self.request)  # the old password was just entered
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        return _throttled_status(form, super().form_invalid(form))


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer is the same for any address."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:
        # From the setting, never the request's Host header, which a client controls.
        return {"base_url": settings.COFFEECHAT_BASE_URL}

    @property
    def domain_override(self) -> str:
        return urlsplit(settings.COFFEECHAT_BASE_URL).netloc

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "ip": throttle.client_ip(self.request)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "email_ready": smtp_configured()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not smtp_configured():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        return _throttled_status(form, super().form_invalid(form))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever can read the account's email may sign in now, cool-off or not.
        throttle.throttle_clear(
            throttle.SIGNIN_ACCOUNT, throttle.account_key(form.user.get_username())
        )
        return response
