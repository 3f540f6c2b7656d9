"""The trial finder: search, a trial's page, and matching a person to every open ALS trial.

Public pages need no sign-in; a visitor's answers are used for the request and kept only if they
ask to be told about new trials (with their consent). Staff match a care record, patients their
own: care audits those reads and hands over a screening profile (`care.queries.profile`). An
application is matched by intake, which shows the same results page (`results_page`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from cellpath.accounts.access import role_required
from cellpath.accounts.limits import TRIAL_ALERT
from cellpath.accounts.roles import Role
from cellpath.care.queries import patient_get
from cellpath.care.queries.portal import PORTAL_PATIENT_KEY, own_patient
from cellpath.care.queries.profile import record_profile
from cellpath.screening import Profile
from cellpath.trials import alerts, links
from cellpath.trials.finder import queries
from cellpath.trials.forms import (
    AlertForm,
    MatchForm,
    NearForm,
    RecordAnswersForm,
    SearchForm,
    answered_keys,
    with_answers,
)

RESULTS_SHOWN = 50


@require_safe
def finder(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.search() if form.is_bound else queries.Search()
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = queries.search(query, page=page)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "trials/finder.html",
        {"form": form, "results": results, "query": query, "params": params.urlencode()},
    )


@require_safe
def trial_detail(request: HttpRequest, nct_id: str) -> HttpResponse:
    trial = queries.trial_get(nct_id)
    near_form = NearForm(request.GET or None)
    place = near_form.place() if near_form.is_bound else None
    return render(
        request,
        "trials/trial_detail.html",
        {
            "trial": trial,
            "sites": queries.trial_sites(trial, place),
            "place": place,
            "near_form": near_form,
            "programmes": links.programme_pages(trial.nct_id),
            "criteria": queries.trial_criteria(trial),
            "detail": trial.details,
        },
    )


def results_page(
    request: HttpRequest,
    profile: Profile,
    form: MatchForm | None,
    *,
    query: queries.Search | None = None,
    alert_form: AlertForm | None = None,
    alerts_offered: bool = True,
    answering: bool = False,
    **extra: object,
) -> HttpResponse:
    """Every open ALS trial matched against `profile`, ranked, with the answers form again.
    `answering`: the questions still open can be answered on the page (`RecordAnswersForm`, posted
    with the filters); the answers fill what `profile` lacks, for this match only."""
    if query is None:
        query = form.search() if form is not None and form.is_bound else queries.Search()
    posted = request.POST if request.method == "POST" else None
    if answering:
        given = RecordAnswersForm(posted, keys=answered_keys(posted or {}))
        profile = with_answers(profile, given.answers())
    results = queries.match_trials(profile, query, show=RESULTS_SHOWN)
    answers_form = None
    if answering:
        still_open = [q.key for row in results.shown for q in row.match.questions]
        answers_form = RecordAnswersForm(posted, keys=[*answered_keys(posted or {}), *still_open])
    return render(
        request,
        "trials/match.html",
        {
            "form": form,
            "answers_form": answers_form,
            "matched": results.shown,
            "more": results.more,
            "counts": results.counts,
            "query": query,
            "alert_form": (alert_form or AlertForm()) if alerts_offered else None,
            "alert_search": alerts.sign_search(profile, query) if alerts_offered else "",
            **extra,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def match(request: HttpRequest) -> HttpResponse:
    """A visitor's answers (POST, so that health details stay out of addresses and logs)."""
    if request.method == "GET":
        return render(request, "trials/match.html", {"form": MatchForm(), "matched": None})
    form = MatchForm(request.POST)
    form.is_valid()  # a refused answer is shown beside its field; the others still match
    return results_page(request, form.profile(), form)


@never_cache
@role_required(Role.COORDINATOR, Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def match_patient(request: HttpRequest, pk: int) -> HttpResponse:
    """A care patient's record against the trials (the care team of their site)."""
    patient = patient_get(user=request.user, pk=pk)
    if patient is None:
        raise Http404
    profile = record_profile(user=request.user, patient=patient, today=timezone.localdate())
    form = MatchForm(request.POST or None)
    return results_page(
        request, profile, form, record=patient, staff=True, alerts_offered=False, answering=True
    )


@never_cache
@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def match_mine(request: HttpRequest) -> HttpResponse:
    """A patient's (or caregiver's) own record against the trials."""
    patient = own_patient(user=request.user, chosen=request.session.get(PORTAL_PATIENT_KEY))
    if patient is None:
        return render(request, "trials/match.html", {"form": MatchForm(), "matched": None})
    profile = record_profile(user=request.user, patient=patient, today=timezone.localdate())
    form = MatchForm(request.POST or None)
    return results_page(request, profile, form, record=patient, answering=True)


@never_cache
@require_http_methods(["POST"])
def alert_create(request: HttpRequest) -> HttpResponse:
    """Keep the answers of a match (signed into the results page) to tell their owner about
    new matching trials, once the address confirms."""
    if request.POST.get("website"):  # a bot: thank it, keep nothing
        return render(request, "trials/alert_sent.html")
    searched = alerts.unsign_search(request.POST.get("search", ""))
    if searched is None:
        return render(request, "trials/alert_link_problem.html", {"expired_form": True}, status=400)
    profile, query = searched
    alert_form = AlertForm(request.POST)
    if TRIAL_ALERT.exceeded(request, request.POST.get("email", "")):
        return render(request, "trials/alert_too_many.html", status=429)
    if not alert_form.is_valid():
        return results_page(request, profile, None, alert_form=alert_form, query=query)
    alerts.saved_search_create(
        email=alert_form.cleaned_data["email"],
        profile=profile,
        query=query,
        consent_text=str(AlertForm.base_fields["consent"].label),
    )
    TRIAL_ALERT.count(request, alert_form.cleaned_data["email"])
    return redirect("trials:alert-sent")


@require_safe
def alert_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "trials/alert_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: GET shows a button (mail scanners open links), POST
    confirms."""
    search = alerts.saved_search_by_confirm_token(token)
    if search is None:
        return render(request, "trials/alert_link_problem.html", status=404)
    if request.method == "POST":
        alerts.saved_search_confirm(search)
        return render(request, "trials/alert_confirm.html", {"done": True})
    return render(request, "trials/alert_confirm.html", {"done": search.confirmed_at is not None})


@csrf_exempt  # mail clients' one-click POST (RFC 8058) carries no CSRF token; it only deletes
@never_cache
@require_http_methods(["GET", "POST"])
def alert_stop(request: HttpRequest, token: str) -> HttpResponse:
    """One click in any alert (RFC 8058 one-click POST too): stop, and delete the answers."""
    search = alerts.saved_search_by_stop_token(token)
    if request.method == "POST" and search is not None:
        alerts.saved_search_delete(search)
        search = None
    return render(request, "trials/alert_stop.html", {"done": search is None})
