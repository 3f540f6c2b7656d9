"""Staff data entry: treatment courses with their chain of identity, follow-up visits and their
assessments, adverse events, and the investigator's sign-off. Views parse and render; the
queries in `care.queries.entry` scope and audit; services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cellpath.accounts.access import role_required, site_ids_for
from cellpath.accounts.roles import Role
from cellpath.care import services
from cellpath.care.forms_entry import (
    AdministrationForm,
    AdverseEventFilterForm,
    AdverseEventFollowUpForm,
    AdverseEventForm,
    AlsfrsRForm,
    BatchForm,
    CourseForm,
    CourseProgrammeForm,
    HarvestForm,
    SignForm,
    SpirometryForm,
    UnscheduledVisitForm,
    UpdateForm,
    WeightForm,
    errors_into,
    format_cells,
)
from cellpath.care.models import (
    Administration,
    AdverseEvent,
    Batch,
    Harvest,
    Spirometry,
    TreatmentCourse,
    Visit,
    Weight,
)
from cellpath.care.queries import entry as queries
from cellpath.care.queries.adverse_events import adverse_event_page, listed
from cellpath.care.queries.data_queries import visit_queries
from cellpath.care.services import entry as entry_services
from cellpath.care.services.followup import SignatureLockedError

STAFF = (Role.COORDINATOR, Role.CLINICIAN)
DUPLICATE_ALSFRS_R = "There is already an ALSFRS-R for this day."
DUPLICATE_SPIROMETRY = "There is already a spirometry for this day."


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404
    return obj


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def saved(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    non_field_to: str | None = None,
    duplicate: str = "",
) -> Any:
    """For a valid POST, `save(form.cleaned_data)` and return what it saved. Otherwise — a GET,
    an invalid form, a service's refusal (shown next to its field), or with `duplicate`, the
    same row saved by someone else a moment ago — return None and leave the answers filled in."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            return save(form.cleaned_data)
    except ValidationError as error:
        errors_into(form, error, non_field_to=non_field_to)
    except IntegrityError:
        if not duplicate:
            raise
        form.add_error(non_field_to, duplicate)
    return None


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
    back: str,
    then: str | Callable[[Any], str] | None = None,
    findings: Callable[[Any], list[Any]] | None = None,
    non_field_to: str | None = None,
    duplicate: str = "",
    template: str = "care/entry/form.html",
    **page: Any,
) -> HttpResponse:
    """The page of one entry form. A valid POST is saved through its service (`saved`): `done`
    is said (a text, or made from the saved row) and the browser goes on to `then` (a URL, or
    made from the saved row; `back` when None). When `findings` of the saved row are unusual,
    `done` becomes a warning asking to check them, kept as entered. Otherwise — a GET, an
    invalid form, a refusal — `template` shows the form again with `back` and `page` (title,
    intro, submit, …), its answers filled in and any refusal next to its field."""
    row = saved(request, form, save, non_field_to=non_field_to, duplicate=duplicate)
    if row is None:
        return render(request, template, {"form": form, "back": back, **page})
    said = done(row) if callable(done) else done
    if findings is not None and findings(row):
        messages.warning(
            request,
            f"{said} Some values are unusual: please check them below (they are kept as entered).",
        )
    else:
        messages.success(request, said)
    go = back if then is None else then(row) if callable(then) else then
    return redirect(go)


# Treatment -------------------------------------------------------------------------------------


@role_required(*STAFF)
def patient_treatment(request: HttpRequest, pk: int) -> HttpResponse:
    page = _found(queries.patient_treatment(user=request.user, pk=pk))
    today = timezone.localdate()
    return render(
        request,
        "care/entry/patient_treatment.html",
        {
            "page": page,
            "patient": page.patient,
            "visits": [(v, v.status(today, page.patient.death_date)) for v in page.visits],
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _found(queries.team_patient_get(user=request.user, pk=pk))
    form = CourseForm(_data(request), instance=TreatmentCourse(patient=patient))
    return form_page(
        request,
        form,
        save=lambda data: services.course_start(actor=request.user, patient=patient, **data),
        done=_course_started,
        then=lambda course: reverse("care:course-detail", args=[course.pk]),
        back=reverse("care:patient-treatment", args=[patient.pk]),
        title=f"Start a treatment course for {patient.study_id}",
        intro="Repeat courses are numbered after the patient's earlier ones.",
        submit="Start the course",
    )


def _course_started(course: TreatmentCourse) -> str:
    visits = course.visits.count()
    return (
        f"Course {course.number} started; {visits} follow-up visit"
        f"{'s' if visits != 1 else ''} scheduled."
    )


@role_required(*STAFF)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = _found(queries.course_page(user=request.user, pk=pk))
    today = timezone.localdate()
    return render(
        request,
        "care/entry/course_detail.html",
        {
            "page": page,
            "course": page.course,
            "patient": page.course.patient,
            "doses": [(d, format_cells(d.dose_cells)) for d in page.administrations],
            "lots": [(b, format_cells(b.cell_count)) for b in page.batches],
            "visits": [(v, v.status(today, page.course.patient.death_date)) for v in page.visits],
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def course_programme(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a course to its programme, or confirm that the programme it names is not listed."""
    course = _found(queries.course_get(user=request.user, pk=pk))
    form = CourseProgrammeForm(_data(request), course=course)
    return form_page(
        request,
        form,
        save=lambda data: services.course_programme_link(
            actor=request.user, course=course, programme=data["programme"]
        ),
        done=lambda linked: (
            f"Course {linked.number} is linked to {linked.programme.name}."
            if linked.programme_id
            else f"Course {linked.number} keeps “{linked.programme_name}”, not listed in Cellpath."
        ),
        back=reverse("care:course-detail", args=[course.pk]),
        title=f"Programme of course {course.number} — {course.patient.study_id}",
        intro="Choose the programme this course belongs to. If it is not listed in Cellpath, "
        "keep the name as entered.",
        submit="Save",
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def harvest_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _found(queries.course_get(user=request.user, pk=pk))
    initial = {"tissue": course.tissue} if course.autologous else {}
    form = HarvestForm(_data(request), instance=Harvest(course=course), initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.harvest_record(actor=request.user, course=course, **data),
        done=lambda harvest: f"Harvest {harvest.reference} recorded.",
        back=reverse("care:course-detail", args=[course.pk]),
        title=f"Record a harvest — {course.patient.study_id}, course {course.number}",
        intro="Cells collected from the patient for this course.",
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _found(queries.course_get(user=request.user, pk=pk))
    form = BatchForm(_data(request), instance=Batch(course=course), course=course)
    return form_page(
        request,
        form,
        save=lambda data: services.batch_record(actor=request.user, course=course, **data),
        done=lambda batch: f"Lot {batch.lot_number} recorded.",
        back=reverse("care:course-detail", args=[course.pk]),
        title=f"Record a processed lot — {course.patient.study_id}, course {course.number}",
        intro="A lot of cells made in the laboratory. Autologous lots name their harvest.",
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def administration_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _found(queries.course_get(user=request.user, pk=pk))
    form = AdministrationForm(_data(request), instance=Administration(course=course), course=course)
    return form_page(
        request,
        form,
        save=lambda data: services.administration_record(actor=request.user, course=course, **data),
        done=lambda dose: (
            f"Dose of {format_cells(dose.dose_cells)} cells on {dose.given_on:%d %B %Y} recorded."
        ),
        back=reverse("care:course-detail", args=[course.pk]),
        title=f"Record a dose — {course.patient.study_id}, course {course.number}",
    )


# Adverse events --------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def adverse_event_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _found(queries.team_patient_get(user=request.user, pk=pk))
    courses = queries.courses_of(patient)
    initial = {}
    if request.GET.get("course", "").isdigit():
        initial["course"] = courses.filter(pk=int(request.GET["course"])).first()
    form = AdverseEventForm(
        _data(request),
        instance=AdverseEvent(patient=patient),
        courses=courses,
        initial=initial,
    )
    return form_page(
        request,
        form,
        save=lambda data: services.adverse_event_record(
            actor=request.user, patient=patient, **data
        ),
        done=lambda event: (
            "Serious adverse event recorded. The site's clinicians have been e-mailed."
            if event.serious
            else "Adverse event recorded."
        ),
        then=lambda event: reverse("care:adverse-event-detail", args=[event.pk]),
        back=reverse("care:patient-treatment", args=[patient.pk]),
        title=f"Record an adverse event for {patient.study_id}",
        intro="Grade it with CTCAE v5. A serious adverse event alerts the site's clinicians.",
        submit="Record the adverse event",
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def adverse_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _found(queries.adverse_event_get(user=request.user, pk=pk))
    form = AdverseEventFollowUpForm(_data(request), instance=event)
    was_serious = event.serious
    followed = saved(
        request,
        form,
        lambda data: entry_services.adverse_event_follow_up(
            actor=request.user, event=event, **data
        ),
    )
    if followed is not None:
        messages.success(
            request,
            "Follow-up of the adverse event saved."
            + (
                " It is now serious: the site's clinicians have been e-mailed."
                if followed.serious and not was_serious
                else ""
            ),
        )
        return redirect("care:adverse-event-detail", pk=event.pk)
    if form.errors:
        event.refresh_from_db()  # the form changed the instance; show what is stored
    return render(
        request,
        "care/entry/adverse_event_detail.html",
        {
            "event": event,
            "patient": event.patient,
            "form": form,
            "status": listed(event, timezone.localdate()),
        },
    )


@role_required(*STAFF)
def adverse_event_list(request: HttpRequest) -> HttpResponse:
    """The adverse events of every patient at the user's sites, to find what needs reporting."""
    filter_form = AdverseEventFilterForm(request.GET)
    filters = filter_form.filters()
    page, rows = adverse_event_page(
        user=request.user, filters=filters, page=request.GET.get("page"), today=timezone.localdate()
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "care/entry/adverse_event_list.html",
        {
            "page": page,
            "rows": rows,
            "filter_form": filter_form,
            "filtered": bool(filters.applied()),
            "ignored": [filter_form.fields[name].label for name in filter_form.errors],
            "query": query.urlencode(),
        },
    )


# Visits and assessments ------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = _found(queries.team_patient_get(user=request.user, pk=pk))
    form = UnscheduledVisitForm(_data(request), initial={"visit_date": timezone.localdate()})
    return form_page(
        request,
        form,
        save=lambda data: entry_services.visit_unscheduled_add(
            actor=request.user, patient=patient, **data
        ),
        non_field_to="visit_date",
        done=lambda visit: f"Visit {visit.label} added.",
        then=lambda visit: reverse("care:visit-detail", args=[visit.pk]),
        back=reverse("care:patient-treatment", args=[patient.pk]),
        title=f"Add a visit outside the schedule for {patient.study_id}",
        intro=(
            "For assessments outside the follow-up plan, such as before treatment. Scheduled "
            "visits are created when a course starts."
        ),
        submit="Add the visit",
    )


@role_required(*STAFF)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = _found(queries.visit_page(user=request.user, pk=pk, today=timezone.localdate()))
    visit = page.visit
    can_sign = visit.patient.site_id in site_ids_for(request.user, [Role.CLINICIAN])
    return render(
        request,
        "care/entry/visit_detail.html",
        {"page": page, "visit": visit, "patient": visit.patient, "can_sign": can_sign},
    )


def _visit_day(visit: Visit) -> Any:
    """The day a new assessment defaults to: the day the visit was seen, else today."""
    return visit.visit_date or timezone.localdate()


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def alsfrs_r_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _found(queries.visit_get(user=request.user, pk=pk))
    patient = visit.patient
    form = AlsfrsRForm(
        _data(request),
        gastrostomy=patient.gastrostomy_date is not None,
        initial={"assessed_on": _visit_day(visit), "respondent": "clinic"},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.alsfrs_r_record(
            actor=request.user,
            patient=patient,
            assessed_on=data["assessed_on"],
            respondent=data["respondent"],
            items=form.items(),
            visit=visit,
        ),
        non_field_to="assessed_on",
        duplicate=DUPLICATE_ALSFRS_R,
        done="ALSFRS-R saved.",
        findings=queries.alsfrs_r_findings,
        back=reverse("care:visit-detail", args=[visit.pk]),
        template="care/entry/alsfrs_r_form.html",
        visit=visit,
        patient=patient,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def spirometry_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _found(queries.visit_get(user=request.user, pk=pk))
    patient = visit.patient
    form = SpirometryForm(
        _data(request),
        instance=Spirometry(patient=patient),
        initial={"measured_on": _visit_day(visit)},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.spirometry_record(
            actor=request.user, patient=patient, visit=visit, **data
        ),
        non_field_to="measured_on",
        duplicate=DUPLICATE_SPIROMETRY,
        done="Spirometry saved.",
        findings=queries.spirometry_findings,
        back=reverse("care:visit-detail", args=[visit.pk]),
        title=f"Spirometry — {patient.study_id}, {visit.label}",
        intro=(
            "Enter FVC in litres, or the % predicted from an outside report, and SVC if "
            "measured. % predicted is computed from the patient's height, age and sex."
        ),
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def weight_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _found(queries.visit_get(user=request.user, pk=pk))
    patient = visit.patient
    form = WeightForm(
        _data(request), instance=Weight(patient=patient), initial={"measured_on": _visit_day(visit)}
    )
    return form_page(
        request,
        form,
        save=lambda data: entry_services.weight_record_at_visit(
            actor=request.user, patient=patient, visit=visit, **data
        ),
        non_field_to="measured_on",
        done="Weight saved.",
        findings=queries.weight_findings,
        back=reverse("care:visit-detail", args=[visit.pk]),
        title=f"Weight — {patient.study_id}, {visit.label}",
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _found(queries.visit_get(user=request.user, pk=pk))
    patient = visit.patient
    form = UpdateForm(_data(request), initial={"written_on": _visit_day(visit)})
    return form_page(
        request,
        form,
        save=lambda data: entry_services.update_post_at_visit(
            actor=request.user, patient=patient, visit=visit, **data
        ),
        non_field_to="written_on",
        done="Update saved.",
        back=reverse("care:visit-detail", args=[visit.pk]),
        title=f"How is {patient.study_id} doing? — {visit.label}",
    )


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def visit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """21 CFR 11.200: the password again; 11.50: the signature shows name, time and meaning."""
    visit = queries.visit_get(user=request.user, pk=pk)
    if visit is None or visit.patient.site_id not in site_ids_for(request.user, [Role.CLINICIAN]):
        raise Http404
    form = SignForm(_data(request))
    if request.method == "POST" and not visit.signed and form.is_valid():
        try:
            services.visit_sign(
                actor=request.user,
                visit=visit,
                password=form.cleaned_data["password"],
                meaning=form.cleaned_data["meaning"],
            )
        except SignatureLockedError as error:
            form.add_error("password", str(error))
        except PermissionDenied:
            entry_services.visit_sign_refused(actor=request.user, visit=visit)
            form.add_error("password", "This password is not correct. The visit is not signed.")
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, "Visit signed.")
            return redirect("care:visit-detail", pk=visit.pk)
    return render(
        request,
        "care/entry/visit_sign.html",
        {
            "form": form,
            "visit": visit,
            "patient": visit.patient,
            "queries": visit_queries(visit),
        },
    )
