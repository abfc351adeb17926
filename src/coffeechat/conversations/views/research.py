"""Research on a person and their organization: notes, the guide's checklist, links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.conversations import selectors, services
from coffeechat.conversations.forms import LinkForm, ResearchForm
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.models import Contact
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.network.views.common import add_service_errors


def _page(
    request: SignedInRequest,
    contact: Contact,
    *,
    form: ResearchForm | None = None,
    link_form: LinkForm | None = None,
) -> HttpResponse:
    research = selectors.research_for(contact)
    return render(
        request,
        "conversations/research.html",
        {
            "contact": contact,
            "research": research,
            "form": form or ResearchForm(research=research),
            "link_form": link_form or LinkForm(contact=contact),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def research_edit(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = contact_get_for_user(request.user, contact_id)
    if request.method != "POST":
        return _page(request, contact)
    form = ResearchForm(request.POST, research=selectors.research_for(contact))
    if form.is_valid():
        data = form.cleaned_data
        org = {}
        if contact.organization is not None:
            org = {
                "organization_notes": data["organization_notes"],
                "website_read": data["website_read"],
            }
        try:
            services.research_update(
                contact=contact,
                notes=data["notes"],
                searched=data["searched"],
                linkedin_read=data["linkedin_read"],
                **org,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, "Research saved.")
            return redirect("research_edit", contact_id=contact.uuid)
    return _page(request, contact, form=form)


@login_required
@require_POST
def link_add(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = contact_get_for_user(request.user, contact_id)
    form = LinkForm(request.POST, contact=contact)
    if form.is_valid():
        data = form.cleaned_data
        about_org = data["about"] == "organization"
        try:
            link = services.research_link_add(
                owner=request.user,
                url=data["url"],
                title=data["title"],
                kind=data["kind"],
                contact=None if about_org else contact,
                organization=contact.organization if about_org else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, f"Link added: {link}.")
            return redirect(reverse("research_edit", args=[contact.uuid]) + "#links-heading")
    return _page(request, contact, link_form=form)


@login_required
@require_POST
def link_delete(request: SignedInRequest, link_id: str) -> HttpResponse:
    link = selectors.research_link_get_for_user(request.user, link_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        if link.contact is not None:
            back = reverse("research_edit", args=[link.contact.uuid])
        elif link.organization is not None:
            back = reverse("organization_detail", args=[link.organization.uuid])
        else:
            back = reverse("meeting_list")
    services.research_link_delete(link=link)
    messages.success(request, f"Link removed: {link}.")
    return redirect(back)
