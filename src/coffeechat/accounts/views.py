from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.accounts import services
from coffeechat.accounts.forms import ProfileForm, SignUpForm
from coffeechat.accounts.models import ApiToken
from coffeechat.lib.http import SignedInRequest


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
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Coffeechat! A few details about you first.")
            return redirect("profile")
    return render(request, "accounts/signup.html", {"form": form})


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
    new_key = None
    if request.method == "POST":
        _, new_key = services.api_token_create(
            user=request.user, name=request.POST.get("name", "")[:100]
        )
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": ApiToken.objects.filter(user=request.user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    if not services.api_token_revoke(user=request.user, token_id=token_id):
        raise Http404("No such token.")
    messages.success(request, "Token revoked: programs using it can no longer sign in.")
    return redirect("tokens")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: SignedInRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.user_delete(user=request.user, password=request.POST.get("password", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            logout(request)
            # Added after logout, which empties the session, so the message survives it.
            messages.success(request, "Your account and everything in it have been deleted.")
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"error": error})
