"""Programme staff (coordinators and administrators of the programme's site) edit its screening
criteria in the app: data, not code. Superusers may also use the admin."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cellpath.accounts.access import role_required
from cellpath.accounts.roles import Role
from cellpath.intake import services
from cellpath.intake.forms.criteria import CriterionFormSet
from cellpath.intake.models import ScreeningCriterion
from cellpath.programmes.queries import programmes_editable_by


@role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
def criteria(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programmes_editable_by(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404
    queryset = ScreeningCriterion.objects.filter(programme=programme)
    formset = CriterionFormSet(request.POST or None, queryset=queryset, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        changed = services.criteria_save(actor=request.user, programme=programme, formset=formset)
        messages.success(request, f"Saved ({changed} change{'s' if changed != 1 else ''}).")
        return redirect("intake:criteria", slug=slug)
    return render(request, "intake/criteria.html", {"programme": programme, "formset": formset})
