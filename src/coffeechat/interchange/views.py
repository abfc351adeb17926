from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from coffeechat.accounts.reauth import reauth_required
from coffeechat.interchange import detect, selectors, services
from coffeechat.interchange.forms import (
    ImportOptionsForm,
    ImportUploadForm,
    MappingForm,
    RestoreForm,
)
from coffeechat.interchange.models import ImportRun
from coffeechat.interchange.reports import ImportReport
from coffeechat.interchange.textio import megabytes
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.views.common import add_service_errors

# Room for the multipart envelope and the form's other fields around the file itself.
ENVELOPE = 64 * 1024


def _too_big(request: SignedInRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.COFFEECHAT_IMPORT_MAX_BYTES + ENVELOPE


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: SignedInRequest) -> HttpResponse:
    form = ImportUploadForm()
    if request.method == "POST":
        if _too_big(request):
            limit = megabytes(settings.COFFEECHAT_IMPORT_MAX_BYTES)
            form.add_error(
                None, f"The file is over {limit}, the most Coffeechat imports. Split it first."
            )
        else:
            form = ImportUploadForm(request.POST, request.FILES)
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.import_start(
                    owner=request.user,
                    file=upload,
                    file_name=upload.name or "",
                    fmt=form.cleaned_data["format"] or "auto",
                    source=form.cleaned_data["source"],
                    tag=form.cleaned_data["tag"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"mapping": "file"})
            else:
                if request.htmx:
                    return HttpResponseClientRedirect(run_url(run))
                return redirect(run_url(run))
    runs = [
        (run, detect.FORMATS.get(run.format, run.format))
        for run in selectors.import_runs_recent(request.user)
    ]
    context = {"form": form, "runs": runs}
    template = "interchange/import_start.html"
    if request.htmx:
        template += "#upload-form"
    # htmx swaps only 2xx responses in; the form with its messages is the answer here.
    status = 400 if form.errors and not request.htmx else 200
    return render(request, template, context, status=status)


def run_url(run: ImportRun) -> str:
    from django.urls import reverse

    return reverse("import_detail", args=[run.uuid])


@login_required
def import_detail(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    context: dict[str, object] = {"run": run, "format_label": detect.FORMATS.get(run.format, "")}
    if run.status == ImportRun.Status.MAPPING:
        context["form"] = MappingForm(
            columns=run.report.get("columns", []), initial_mapping=run.options.get("mapping", {})
        )
        return render(request, "interchange/import_mapping.html", context)
    context["report"] = ImportReport.from_json(run.report)
    context["options_form"] = ImportOptionsForm(
        initial={"source": run.options.get("source", ""), "tag": run.options.get("tag", "")}
    )
    return render(request, "interchange/import_preview.html", context)


@login_required
@require_POST
def import_mapping(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    columns = run.report.get("columns", [])
    form = MappingForm(request.POST, columns=columns, initial_mapping={})
    if form.is_valid():
        try:
            services.import_preview(run=run, mapping=form.mapping())
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            return redirect(run_url(run))
    context = {"run": run, "form": form, "format_label": detect.FORMATS.get(run.format, "")}
    return render(request, "interchange/import_mapping.html", context, status=400)


@login_required
@require_POST
def import_options(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    form = ImportOptionsForm(request.POST)
    if form.is_valid():
        try:
            services.import_preview(
                run=run, source=form.cleaned_data["source"], tag=form.cleaned_data["tag"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, "Those choices could not be used; the preview is unchanged.")
    return redirect(run_url(run))


def _lines(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10]


@login_required
@require_POST
def import_apply(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    try:
        run = services.import_apply(
            run=run,
            overwrite_all=request.POST.get("overwrite_all") == "on",
            overwrite_lines=_lines(request.POST.getlist("overwrite")),
            separate_lines=_lines(request.POST.getlist("separate")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run_url(run))
    report = run.report
    messages.success(
        request,
        f"Imported: {report['created']:,} added, {report['merged']:,} updated, "
        f"{report['unchanged']:,} already up to date.",
    )
    return redirect(run_url(run))


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    if request.method == "POST":
        try:
            result = services.import_undo(run=run)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            text = f"Import undone: {result['removed']:,} people removed."
            if result["kept"]:
                text += f" {result['kept']:,} you have changed since were kept."
            messages.success(request, text)
        return redirect(run_url(run))
    added = run.imported.count()
    return render(request, "interchange/import_undo.html", {"run": run, "added": added})


@login_required
@require_POST
def import_discard(request: SignedInRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get_for_user(request.user, run_id)
    try:
        services.import_discard(run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(run_url(run))
    messages.success(request, "Import cancelled; nothing was changed.")
    return redirect("import_start")


# Exports and restore ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: SignedInRequest) -> HttpResponse:
    form = RestoreForm()
    if request.method == "POST":
        if _too_big(request):
            form.add_error(None, "The file is too big to be a Coffeechat backup.")
        else:
            form = RestoreForm(request.POST, request.FILES)
        if form.is_bound and form.is_valid():
            raw = form.cleaned_data["file"]
            try:
                text = io.TextIOWrapper(raw.file, encoding="utf-8-sig")
                counts = services.backup_restore(owner=request.user, stream=text)
            except UnicodeDecodeError:
                form.add_error("file", "This file is not a Coffeechat backup (it is not text).")
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(
                    request,
                    f"Restored {counts.get('contacts', 0):,} people and "
                    f"{counts.get('organizations', 0):,} organizations.",
                )
                return redirect("contact_list")
    status = 400 if form.errors else 200
    return render(request, "interchange/export.html", {"form": form}, status=status)


@login_required
@reauth_required
def export_download(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    if fmt not in services.EXPORT_TYPES:
        raise Http404("No such export.")
    return services.export_response(owner=request.user, fmt=fmt)
