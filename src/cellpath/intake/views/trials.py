"""An application against the trials: matching lives in intake, which makes the applicant's
profile and calls the trial finder (trials never import intake)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cellpath.intake.questions import profile_from
from cellpath.intake.views.apply import by_link
from cellpath.trials.forms import MatchForm
from cellpath.trials.views import results_page


@never_cache
@require_http_methods(["GET", "POST"])
def trials(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's answers (opened by their private link) against every open ALS trial:
    intake makes the profile, the trial finder matches it and shows the results."""
    linked, problem = by_link(request, token)
    if problem:
        return problem
    application = linked.applications[0]
    profile = profile_from(application.answers, today=timezone.localdate())
    form = MatchForm(request.POST or None)
    return results_page(request, profile, form, application=application, token=token)
