from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from coffeechat.lib.http import SignedInRequest
from coffeechat.network import selectors, services
from coffeechat.network.forms import OrganizationForm
from coffeechat.network.views.common import add_service_errors


@login_required
def organization_list(request: SignedInRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    return render(
        request,
        "network/organization_list.html",
        {"organizations": selectors.organization_list(request.user, q=q), "q": q},
    )


@login_required
def organization_detail(request: SignedInRequest, organization_id: str) -> HttpResponse:
    organization = selectors.organization_get_for_user(request.user, organization_id)
    return render(
        request,
        "network/organization_detail.html",
        {
            "organization": organization,
            "people": list(selectors.organization_contacts(organization)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: SignedInRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, f"{organization.name} added.")
            return redirect("organization_detail", organization_id=organization.uuid)
    return render(request, "network/organization_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: SignedInRequest, organization_id: str) -> HttpResponse:
    organization = selectors.organization_get_for_user(request.user, organization_id)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, {})
            organization.refresh_from_db()
        else:
            messages.success(request, "Saved.")
            return redirect("organization_detail", organization_id=organization.uuid)
    return render(
        request, "network/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_delete(request: SignedInRequest, organization_id: str) -> HttpResponse:
    organization = selectors.organization_get_for_user(request.user, organization_id)
    if request.method == "POST":
        name = organization.name
        services.organization_delete(organization=organization)
        messages.success(request, f"{name} was deleted; its people stay on your list.")
        return redirect("organization_list")
    return render(
        request,
        "network/organization_confirm_delete.html",
        {"organization": organization},
    )
