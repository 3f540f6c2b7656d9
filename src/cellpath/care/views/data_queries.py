"""Data-quality queries: the list of a site's queries, and one query with its answer, closing
and sending back. Views parse and render; `care.queries.data_queries` scopes and audits;
`care.services.data_queries` writes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.roles import Role
from cellpath.care.data_quality import RULES
from cellpath.care.forms_entry import errors_into
from cellpath.care.forms_queries import AnswerForm, CloseForm, QueryFilterForm, ReopenForm
from cellpath.care.models import DataQuery
from cellpath.care.queries import data_queries as queries
from cellpath.care.services import data_queries as services

STAFF = (Role.COORDINATOR, Role.CLINICIAN)


@role_required(*STAFF)
def query_list(request: HttpRequest) -> HttpResponse:
    filter_form = QueryFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {"status": "live"}
    page = queries.query_list(user=request.user, page=request.GET.get("page", 1), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "care/data_queries/list.html",
        {
            "page": page,
            "filter_form": filter_form if request.GET else QueryFilterForm(),
            "query": query.urlencode(),
            "rows": [(q, RULES.get(q.rule, q.rule)) for q in page.object_list],
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    query = queries.query_get(user=request.user, pk=pk)
    if query is None:
        raise Http404
    coordinates = query.patient.site_id in site_ids_for(request.user, [Role.COORDINATOR])
    action = request.POST.get("action", "")
    forms = {
        "answer": AnswerForm(request.POST if action == "answer" else None, prefix="answer"),
        "close": CloseForm(request.POST if action == "close" else None, prefix="close"),
        "reopen": ReopenForm(request.POST if action == "reopen" else None, prefix="reopen"),
    }
    if request.method == "POST" and action in forms and forms[action].is_valid():
        data = forms[action].cleaned_data
        try:
            if action == "answer":
                services.query_answer(actor=request.user, query=query, answer=data["answer"])
            elif action == "close":
                services.query_close(
                    actor=request.user, query=query, closure=data["closure"], note=data["note"]
                )
            else:
                services.query_reopen(actor=request.user, query=query, note=data["note"])
        except ValidationError as error:
            errors_into(forms[action], error)
        else:
            done = {"answer": "answered", "close": "closed", "reopen": "sent back to the team"}
            messages.success(request, f"Query {done[action]}.")
            return redirect("care:data-query-detail", pk=query.pk)
    return render(
        request,
        "care/data_queries/detail.html",
        {
            "query": query,
            "rule": RULES.get(query.rule, query.rule),
            "where": queries.where_to_correct(query),
            "forms": forms,
            "can_answer": query.status == DataQuery.Status.OPEN,
            "can_close": coordinates and query.live,
            "can_reopen": coordinates and query.status == DataQuery.Status.ANSWERED,
        },
    )
