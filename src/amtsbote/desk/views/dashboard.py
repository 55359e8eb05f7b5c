"""Team-lead dashboard: request-to-fulfilment times per week and channel, open and overdue
requests per team, the mailroom's backlog (aggregates of the lead's own jobcenter)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amtsbote.accounts.constants import Role

from .. import dashboard
from ..decorators import staff_required, staff_user


@require_GET
@staff_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if user.role not in (Role.TEAM_LEAD, Role.ADMIN) or user.jobcenter_id is None:
        raise Http404("the dashboard is for team leads")
    weeks = dashboard.fulfilment_weeks(user.jobcenter_id)
    bars, scale = dashboard.chart_bars(weeks)
    return render(
        request,
        "desk/dashboard.html",
        {
            "weeks": weeks,
            "bars": bars,
            "scale": scale,
            "chart_width": dashboard.WEEK_WIDTH * len(weeks),
            "chart_height": dashboard.CHART_HEIGHT,
            "bar_width": dashboard.BAR_WIDTH,
            "week_width": dashboard.WEEK_WIDTH,
            "teams": dashboard.requests_per_team(user.jobcenter_id),
            "backlog": dashboard.intake_backlog(user.jobcenter_id),
            "channels": (dashboard.PORTAL, dashboard.PAPER, dashboard.OTHER),
        },
    )
