"""The dashboard (pictures of how outreach is going) and the informational interview log
(a printable page and a CSV a career course or an advisor can accept).

Thin views: the numbers come from `followups.dashboard`, the geometry from
`followups.charts`, the log from `followups.interview_log`; everything is the signed-in
student's own.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from coffeechat.followups import charts
from coffeechat.followups.dashboard import dashboard_for
from coffeechat.followups.interview_log import Period, interview_log_for, period_parse, write_csv
from coffeechat.lib.http import SignedInRequest


@login_required
@require_safe
def dashboard(request: SignedInRequest) -> HttpResponse:
    found = dashboard_for(request.user)
    return render(
        request,
        "followups/dashboard.html",
        {
            "dash": found,
            "funnel": charts.funnel_bars(found.funnel),
            "months": charts.month_chart(found.months),
            "tree": charts.tree_drawing(found.network),
            "sources": charts.source_bars(found.sources),
        },
    )


def _period(request: SignedInRequest) -> Period:
    return period_parse(request.GET.get("since", ""), request.GET.get("until", ""))


@login_required
@require_safe
def interview_log(request: SignedInRequest) -> HttpResponse:
    """The log as a page to read, print or save as PDF; a bad date says so and shows all."""
    errors: list[str] = []
    try:
        period = _period(request)
    except ValidationError as exc:
        errors, period = exc.messages, Period()
    log = interview_log_for(request.user, period)
    return render(
        request,
        "followups/interview_log.html",
        {
            "log": log,
            "errors": errors,
            "since": request.GET.get("since", "")[:20] if errors else period.since,
            "until": request.GET.get("until", "")[:20] if errors else period.until,
            "csv_query": period.query_string(),
        },
    )


@login_required
@require_safe
def interview_log_csv(request: SignedInRequest) -> HttpResponse:
    try:
        period = _period(request)
    except ValidationError as exc:
        return HttpResponse(
            " ".join(exc.messages) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    log = interview_log_for(request.user, period)
    stream = io.StringIO(newline="")
    write_csv(log, stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    name = "informational-interview-log"
    if period.since or period.until:
        name += f"-{period.since or 'start'}-to-{period.until or log.made_on}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
