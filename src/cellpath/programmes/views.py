"""Programme pages. Views parse and render; queries scope; services write.

The public pages (list, detail, compare) are the same for every visitor: they are served from
the public page cache (`evidence.caching.public_page`); signed-in users get a private copy.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.evidence.caching import public_page
from cellpath.evidence.models import Study
from cellpath.programmes import links, queries, services
from cellpath.programmes.forms import ProgrammeFilterForm, ProgrammeForm
from cellpath.programmes.models import OutcomesCard, Programme
from cellpath.programmes.warning_signs import ALL_SIGNS

PROGRAMME_STAFF = (Role.COORDINATOR, Role.ADMINISTRATOR)
COMPARE_MIN, COMPARE_MAX = 2, 4


def _cited_studies(programme: Programme) -> list[Study]:
    return list(programme.studies.all())  # prefetched by the queries


@require_safe
@public_page
def programme_list(request: HttpRequest) -> HttpResponse:
    filter_form = ProgrammeFilterForm(request.GET or None)
    filters = filter_form.filters()
    programmes = list(queries.programme_list(**filters))
    cards = {
        card.programme_id: card
        for card in OutcomesCard.objects.filter(
            programme__in=programmes, status=OutcomesCard.Status.PUBLISHED
        ).order_by("as_of", "pk")
    }
    for programme in programmes:
        programme.card = cards.get(programme.pk)
        programme.signs = programme.warning_signs
    return render(
        request,
        "programmes/programme_list.html",
        {"filter_form": filter_form, "filtered": bool(filters), "programmes": programmes},
    )


@require_safe
@public_page
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = queries.programme_get(slug)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "signs": programme.warning_signs,
            "studies": _cited_studies(programme),
            "trial_page": links.trial_page(programme.registry_id),
            "requirements": links.requirements(programme),
        },
    )


@require_safe
@public_page
def programme_before(request: HttpRequest, slug: str) -> HttpResponse:
    """The step between a programme with warning signs and anything sent to it: its signs, what
    to ask it, and the registered trials open to enrol. Without signs there is nothing to weigh:
    its own page has the buttons."""
    programme = queries.programme_get(slug)
    signs = programme.warning_signs
    if not signs:
        return redirect(programme)
    return render(
        request,
        "programmes/programme_before.html",
        {"programme": programme, "signs": signs, "trials": links.open_cell_trials()},
    )


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


@require_safe
@public_page
def programme_compare(request: HttpRequest) -> HttpResponse:
    """2 to 4 programmes side by side. Too few, or unknown ones: a page on how to choose."""
    asked = _unique(request.GET.getlist("p"))
    kept = asked[:COMPARE_MAX]
    programmes = queries.programmes_by_slugs(kept)
    found = {p.slug for p in programmes}
    context: dict[str, object] = {
        "dropped": len(asked) - len(kept),
        "unknown": [slug for slug in kept if slug not in found],
        "max": COMPARE_MAX,
    }
    if len(programmes) < COMPARE_MIN:
        context["choices"] = list(queries.programme_list())
        context["chosen"] = found
        return render(request, "programmes/programme_compare_choose.html", context)
    cards = {
        card.programme_id: card
        for card in OutcomesCard.objects.filter(
            programme__in=programmes, status=OutcomesCard.Status.PUBLISHED
        ).order_by("as_of", "pk")
    }
    for programme in programmes:
        programme.card = cards.get(programme.pk)
        programme.signs = programme.warning_signs
        programme.sign_codes = {sign.code for sign in programme.signs}
        programme.cited = _cited_studies(programme)
    context.update(programmes=programmes, all_signs=ALL_SIGNS)
    return render(request, "programmes/programme_compare.html", context)


@role_required(*PROGRAMME_STAFF)
@never_cache
def programme_mine(request: HttpRequest) -> HttpResponse:
    programmes = queries.programmes_editable_by(request.user).order_by("site__name", "name")
    return render(request, "programmes/programme_mine.html", {"programmes": programmes})


@role_required(*PROGRAMME_STAFF)
@never_cache
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = queries.programmes_editable_by(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme at your sites.")
    title = f"Edit “{programme.name}”"  # before the form copies typed values onto it
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user,
                programme=programme,
                data=form.service_data(),
                studies=form.cleaned_data["studies"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, f"“{programme.name}” saved (version {programme.version}).")
            if programme.published:
                return redirect("programmes:detail", slug=programme.slug)
            return redirect("programmes:mine")
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "title": title},
    )


def _errors_into(form: ProgrammeForm, error: ValidationError) -> None:
    """Show a refusal from the model next to its field (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
