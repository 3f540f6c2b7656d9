"""The site dashboard for coordinators and clinicians: visits due and overdue, open adverse
events (serious first), recent self-reports, visits waiting for a signature and data-quality
queries waiting for an answer or for a coordinator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.care.queries.dashboard import SELF_REPORT_DAYS, dashboard
from cellpath.care.queries.data_queries import query_counts


@role_required(Role.COORDINATOR, Role.CLINICIAN)
def site_dashboard(request: HttpRequest) -> HttpResponse:
    board = dashboard(user=request.user, today=timezone.localdate())
    return render(
        request,
        "care/dashboard/dashboard.html",
        {
            "board": board,
            "self_report_days": SELF_REPORT_DAYS,
            "data_queries": query_counts(user=request.user),
        },
    )
