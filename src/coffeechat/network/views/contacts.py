from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.lib.http import SignedInRequest
from coffeechat.network import selectors, services
from coffeechat.network.forms import ContactFilterForm, ContactForm, MergeForm
from coffeechat.network.models import Contact, field_label
from coffeechat.network.views.common import add_service_errors


def _aliases(form: ContactForm) -> dict[str, str]:
    """Where a service's field errors show on the form."""
    return {"organization": "organization_name", "referred_by": form.referrer_field}


@login_required
def contact_suggestions(request: SignedInRequest) -> HttpResponse:
    """<option>s for the "referred by" box: the people matching what was typed."""
    # htmx sends the box's own value, under the box's name.
    typed = request.GET.get("q") or request.GET.get("referred_by_name", "")
    labels = selectors.contact_suggestions(request.user, typed[:200])
    return render(request, "network/contact_suggestions.html", {"labels": labels})


def _filters(request: SignedInRequest) -> tuple[ContactFilterForm, selectors.ContactFilters]:
    form = ContactFilterForm(request.GET)
    if not form.is_valid():
        return form, selectors.ContactFilters()
    data = form.cleaned_data
    practice = {"yes": True, "no": False}.get(data["practice"])
    return form, selectors.ContactFilters(
        q=data["q"], source=data["source"], practice=practice, tag=data["tag"]
    )


@login_required
def contact_list(request: SignedInRequest) -> HttpResponse:
    form, filters = _filters(request)
    try:
        page = selectors.contact_list(
            request.user,
            filters=filters,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            limit=settings.COFFEECHAT_PAGE_SIZE,
        )
    except selectors.InvalidCursor as exc:
        messages.error(request, str(exc))
        page = selectors.contact_list(
            request.user, filters=filters, limit=settings.COFFEECHAT_PAGE_SIZE
        )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "base_query": query.urlencode(),
        "tags": selectors.tag_list(request.user),
    }
    template = "network/contact_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


def _contact_fields(form: ContactForm) -> dict[str, Any]:
    data = form.cleaned_data
    fields = {k: data[k] for k in ContactForm.Meta.fields}
    return {
        **fields,
        "referred_by": data["referred_by"],
        "organization_name": data["organization_name"],
        "tags": data["tags"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: SignedInRequest) -> HttpResponse:
    initial = {}
    referrer_id = request.GET.get("referred_by", "")
    if referrer_id:
        referrer = selectors.contact_get_for_user(request.user, referrer_id)
        initial = {"referred_by_id": str(referrer.uuid), "source": "referral"}
    form = ContactForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(owner=request.user, **_contact_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc, _aliases(form))
        else:
            messages.success(request, f"{contact.name} is on your list.")
            if "add_another" in request.POST:
                return redirect("contact_create")
            return redirect("contact_detail", contact_id=contact.uuid)
    return render(
        request,
        "network/contact_form.html",
        {"form": form, "organizations": selectors.organization_choices(request.user)},
    )


@login_required
def contact_detail(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, contact_id)
    return render(
        request,
        "network/contact_detail.html",
        {"contact": contact, "referrals": list(selectors.contacts_referred_by(contact))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, contact_id)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, **_contact_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc, _aliases(form))
            contact.refresh_from_db()
        else:
            messages.success(request, "Saved.")
            return redirect("contact_detail", contact_id=contact.uuid)
    return render(
        request,
        "network/contact_form.html",
        {
            "form": form,
            "contact": contact,
            "organizations": selectors.organization_choices(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, contact_id)
    if request.method == "POST":
        name = contact.name
        services.contact_delete(contact=contact)
        messages.success(request, f"{name} was deleted.")
        return redirect("contact_list")
    return render(request, "network/contact_confirm_delete.html", {"contact": contact})


@login_required
@require_http_methods(["GET", "POST"])
def contact_merge(request: SignedInRequest, contact_id: str) -> HttpResponse:
    """Pick a duplicate, see what each field becomes, then merge."""
    keep = selectors.contact_get_for_user(request.user, contact_id)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "other" in request.GET else None)
    )
    form = MergeForm(data, owner=request.user, keep=keep)
    other: Contact | None = None
    conflicts: dict[str, Any] = {}
    if data is not None and form.is_valid():
        other = selectors.contact_get_for_user(request.user, form.cleaned_data["other"])
        conflicts = services.merge_conflicts(keep, other)
        if request.method == "POST" and "confirm" in request.POST:
            take = [name for name in conflicts if request.POST.get(f"take_{name}") == "other"]
            try:
                merged = services.contact_merge(keep=keep, other=other, take=take)
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, f"Merged the duplicate into {merged.name}.")
                return redirect("contact_detail", contact_id=merged.uuid)
    rows = [
        {
            "name": name,
            "label": field_label(Contact, name),
            "mine": mine,
            "theirs": theirs,
        }
        for name, (mine, theirs) in conflicts.items()
    ]
    return render(
        request,
        "network/contact_merge.html",
        {"keep": keep, "other": other, "form": form, "conflicts": rows},
    )


BULK_ACTIONS = {"tag", "untag", "delete"}


@login_required
@require_POST
def contacts_bulk(request: SignedInRequest) -> HttpResponse:
    """Tag, untag or delete the ticked contacts. Deleting asks for a confirmation first."""
    ids = request.POST.getlist("ids")
    action = request.POST.get("action", "")
    back = request.POST.get("next", "")
    # Only a page of this site: "/\\evil.example" or "https://evil.example" go to the list.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = reverse("contact_list")
    if action not in BULK_ACTIONS:
        messages.error(request, "Choose what to do with the selected people.")
        return redirect(back)
    contacts = list(
        Contact.objects.filter(owner=request.user, uuid__in=_valid_uuids(ids)).order_by("sort_name")
    )
    if not contacts:
        messages.error(request, "Tick at least one person first.")
        return redirect(back)
    if action == "delete":
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "network/contacts_confirm_bulk_delete.html",
                {"contacts": contacts, "next": back},
            )
        count = services.contacts_delete(owner=request.user, ids=[c.uuid for c in contacts])
        messages.success(request, f"Deleted {count} {'person' if count == 1 else 'people'}.")
        return redirect(back)
    try:
        count = services.contacts_tag(
            owner=request.user,
            ids=[c.uuid for c in contacts],
            tag=request.POST.get("tag", ""),
            remove=action == "untag",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    verb = "Removed the tag from" if action == "untag" else "Tagged"
    messages.success(request, f"{verb} {count} {'person' if count == 1 else 'people'}.")
    return redirect(back)


def _valid_uuids(values: list[str]) -> list[str]:
    valid = []
    for value in values[:1000]:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid
