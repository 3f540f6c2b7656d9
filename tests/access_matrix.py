"""The permission matrix: every URL of Cellpath, and the status each actor gets.

Every later feature adds its URLs here. `test_permission_matrix` requests each URL as each actor
(see `ACTORS` in conftest: site-A and site-B users of every role, a superuser, anonymous) and
fails when a status differs — or when a URL exists that is not declared here.

Conventions: anonymous users are sent to sign in (302); a role that may never use a page gets
403; a role that may use the page but asks for another site's record gets 404, so that the
record's existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ACTORS, World
from tests.evidence.routes import EVIDENCE_ROUTES
from tests.exchange.routes import EXCHANGE_ROUTES
from tests.intake.routes import INTAKE_ROUTES
from tests.intake.routes_newsletter import NEWSLETTER_ROUTES
from tests.intake.routes_packets import PACKET_ROUTES
from tests.matrix_kit import EVERYONE, SIGN_IN, Route, only  # noqa: F401
from tests.programmes.routes import PROGRAMME_ROUTES
from tests.reports.routes import REPORT_ROUTES
from tests.trials.routes import TRIAL_ROUTES

SIGNED_IN_REDIRECT = only(dict.fromkeys(ACTORS[1:], 302), anonymous=200)
STAFF_PATIENT_LISTS = only(
    {"coordinator_a": 200, "coordinator_b": 200, "clinician_a": 200, "clinician_b": 200}
)

PATIENTS_OWN = only({"patient_a": 200, "patient_b": 200})
"""Portal pages under /patients/me/: every patient gets their own record, nobody else's."""


def _erasure_request_of(patient: Any) -> Any:
    from cellpath.care.services.portal import erasure_request_create

    return erasure_request_create(actor=patient.user, patient=patient)


ADMINISTRATORS = only({"administrator_a": 200, "administrator_b": 200, "superuser": 200})
SITE_A_ADMINS = only({"administrator_a": 200, "administrator_b": 404, "superuser": 200})
"""A site-A account's page: site-A administrators and installation administrators; a site-B
administrator gets 404 (the account's existence is not revealed)."""
SITE_A_ADMINS_POST = only({"administrator_a": 405, "administrator_b": 405, "superuser": 405})
"""POST-only buttons on a site-A account's page: a GET is refused before the account is read."""

SITE_A_TEAM = only(
    {"coordinator_a": 200, "coordinator_b": 404, "clinician_a": 200, "clinician_b": 404}
)
"""Staff data entry on a site-A record: its care team; site-B staff get 404."""


def _history_a(world: World) -> dict[str, Any]:
    """A course, its lot and dose, visits, assessments and an adverse event of patient A,
    created once per world through the services."""
    if not hasattr(world, "history_a"):
        from tests.factories import clinical_history

        world.history_a = clinical_history(world.patient_a)  # type: ignore[attr-defined]
    return world.history_a  # type: ignore[attr-defined]


def _query_a(world: World) -> Any:
    """A data-quality query about patient A, opened on save: FVC 180 % of predicted, as entered
    from a report (possible, so saved; unusual, so asked about)."""
    if not hasattr(world, "query_a"):
        from datetime import date

        from cellpath.care import services
        from cellpath.care.models import DataQuery

        _history_a(world)
        measurement = services.spirometry_record(
            actor="test",
            patient=world.patient_a,
            measured_on=date(2024, 12, 2),
            fvc_percent_entered=180,
        )
        world.query_a = DataQuery.objects.get(subject=f"spirometry:{measurement.pk}")  # type: ignore[attr-defined]
    return world.query_a  # type: ignore[attr-defined]


ROUTES: list[Route] = [
    # site
    Route("landing", EVERYONE),
    Route("healthz", EVERYONE),
    Route("about", EVERYONE),
    Route("editorial-policy", EVERYONE),
    Route("privacy", EVERYONE),
    Route("home", only(dict.fromkeys(ACTORS[1:], 200))),
    # accounts
    Route("accounts:sign-in", SIGNED_IN_REDIRECT),
    Route("accounts:mfa-verify", dict.fromkeys(ACTORS, 302), note="no sign-in in progress"),
    Route("accounts:sign-out", dict.fromkeys(ACTORS, 405), note="POST only"),
    Route("accounts:mfa-setup", only(dict.fromkeys(ACTORS[1:], 200))),
    Route("accounts:password-reset", EVERYONE),
    Route("accounts:password-reset-done", EVERYONE),
    Route(
        "accounts:password-reset-confirm",
        EVERYONE,
        kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"},
        note="an invalid link shows the 'expired' page",
    ),
    Route("accounts:password-reset-complete", EVERYONE),
    Route(
        "accounts:audit-log",
        only({"administrator_a": 200, "administrator_b": 200, "superuser": 200}),
    ),
    Route(
        "accounts:site-members",
        only({"administrator_a": 200, "administrator_b": 404, "superuser": 200}),
        kwargs=lambda w: {"site_id": w.site_a.pk},
    ),
    Route("accounts:audit-export", ADMINISTRATORS),
    Route("accounts:people", ADMINISTRATORS),
    Route("accounts:people-invite", ADMINISTRATORS),
    Route("accounts:person", SITE_A_ADMINS, kwargs=lambda w: {"pk": w.users["clinician_a"].pk}),
    Route(
        "accounts:person-role-add",
        SITE_A_ADMINS_POST,
        kwargs=lambda w: {"pk": w.users["clinician_a"].pk},
        note="POST only",
    ),
    Route(
        "accounts:person-role-remove",
        SITE_A_ADMINS_POST,
        kwargs=lambda w: {
            "pk": w.users["clinician_a"].pk,
            "membership_id": w.users["clinician_a"].memberships.get().pk,
        },
        note="POST only",
    ),
    Route(
        "accounts:person-active",
        SITE_A_ADMINS_POST,
        kwargs=lambda w: {"pk": w.users["clinician_a"].pk},
        note="POST only",
    ),
    Route(
        "accounts:person-mfa-reset",
        SITE_A_ADMINS_POST,
        kwargs=lambda w: {"pk": w.users["clinician_a"].pk},
        note="POST only",
    ),
    Route(
        "accounts:invitation",
        EVERYONE,
        kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"},
        note="an invalid link shows the 'expired' page",
    ),
    # care
    Route("care:patient-list", STAFF_PATIENT_LISTS),
    Route("care:patient-export", STAFF_PATIENT_LISTS),
    Route("care:patient-create", only({"coordinator_a": 200, "coordinator_b": 200})),
    Route(
        "care:patient-detail",
        only(
            {
                "patient_a": 200,
                "patient_b": 404,
                "coordinator_a": 200,
                "coordinator_b": 404,
                "clinician_a": 200,
                "clinician_b": 404,
            }
        ),
        kwargs=lambda w: {"pk": w.patient_a.pk},
    ),
    Route(
        "care:patient-edit",
        only({"coordinator_a": 200, "coordinator_b": 404, "clinician_a": 200, "clinician_b": 404}),
        kwargs=lambda w: {"pk": w.patient_a.pk},
    ),
    Route(
        "care:patient-progression",
        only(
            {
                "patient_a": 200,
                "patient_b": 404,
                "coordinator_a": 200,
                "coordinator_b": 404,
                "clinician_a": 200,
                "clinician_b": 404,
            }
        ),
        kwargs=lambda w: {"pk": w.patient_a.pk},
    ),
    Route(
        "care:prediction-release",
        only({"clinician_a": 200, "clinician_b": 404}),
        kwargs=lambda w: {"pk": w.patient_a.pk},
        note="a clinician of the patient's site releases the predicted survival to them",
    ),
    # the patient portal: each patient their own record; staff never use it
    Route("care:portal-schedule", PATIENTS_OWN),
    Route("care:portal-alsfrs", PATIENTS_OWN),
    Route("care:portal-alsfrs-question", PATIENTS_OWN, kwargs=lambda w: {"step": 1}),
    Route("care:portal-alsfrs-review", PATIENTS_OWN),
    Route(
        "care:portal-alsfrs-done",
        only({"patient_a": 302, "patient_b": 302}),
        note="nothing sent in this session: back to the questionnaire",
    ),
    Route("care:portal-updates", PATIENTS_OWN),
    Route("care:portal-data", PATIENTS_OWN),
    Route("care:portal-data-json", PATIENTS_OWN),
    Route("care:portal-data-csv", PATIENTS_OWN),
    Route("care:portal-erasure", PATIENTS_OWN),
    Route("care:portal-caregivers", PATIENTS_OWN),
    Route("care:portal-switch", only({"patient_a": 405, "patient_b": 405}), note="POST only"),
    Route(
        "care:caregiver-accept",
        dict.fromkeys(ACTORS, 404),
        kwargs=lambda w: {"token": "not-a-real-invitation"},
        note="the token is the credential; an unknown one is not found, for everyone",
    ),
    Route("care:erasure-queue", only({"coordinator_a": 200, "coordinator_b": 200})),
    Route(
        "care:erasure-review",
        only({"coordinator_a": 200, "coordinator_b": 404}),
        kwargs=lambda w: {"pk": _erasure_request_of(w.patient_a).pk},
    ),
    # staff data entry and the site dashboard
    Route("care:dashboard", STAFF_PATIENT_LISTS),
    Route("care:patient-treatment", SITE_A_TEAM, kwargs=lambda w: {"pk": w.patient_a.pk}),
    Route("care:course-create", SITE_A_TEAM, kwargs=lambda w: {"pk": w.patient_a.pk}),
    Route("care:visit-create", SITE_A_TEAM, kwargs=lambda w: {"pk": w.patient_a.pk}),
    Route("care:adverse-event-create", SITE_A_TEAM, kwargs=lambda w: {"pk": w.patient_a.pk}),
    *(
        Route(name, SITE_A_TEAM, kwargs=lambda w: {"pk": _history_a(w)["course"].pk})
        for name in (
            "care:course-detail",
            "care:course-programme",
            "care:harvest-create",
            "care:batch-create",
            "care:administration-create",
        )
    ),
    *(
        Route(name, SITE_A_TEAM, kwargs=lambda w: {"pk": _history_a(w)["baseline"].visit_id})
        for name in (
            "care:visit-detail",
            "care:visit-alsfrs-r",
            "care:visit-spirometry",
            "care:visit-weight",
            "care:visit-update",
        )
    ),
    Route(
        "care:visit-sign",
        only({"clinician_a": 200, "clinician_b": 404}),
        kwargs=lambda w: {"pk": _history_a(w)["baseline"].visit_id},
        note="investigators sign; coordinators may not",
    ),
    Route("care:adverse-event-list", STAFF_PATIENT_LISTS, note="each sees their own sites' events"),
    Route(
        "care:adverse-event-detail",
        SITE_A_TEAM,
        kwargs=lambda w: {"pk": _history_a(w)["event"].pk},
    ),
    # data-quality queries: the care team of the patient's site
    Route("care:data-query-list", STAFF_PATIENT_LISTS),
    Route("care:data-query-detail", SITE_A_TEAM, kwargs=lambda w: {"pk": _query_a(w).pk}),
    # medications (care team) and consent (coordinators) on the patient record
    Route(
        "care:medication-create",
        only({"coordinator_a": 200, "coordinator_b": 404, "clinician_a": 200, "clinician_b": 404}),
        kwargs=lambda w: {"pk": w.patient_a.pk},
    ),
    Route(
        "care:medication-stop",
        only({"coordinator_a": 200, "coordinator_b": 404, "clinician_a": 200, "clinician_b": 404}),
        kwargs=lambda w: {"pk": _history_a(w)["medication"].pk},
    ),
    Route(
        "care:consent-create",
        only({"coordinator_a": 200, "coordinator_b": 404}),
        kwargs=lambda w: {"pk": w.patient_a.pk},
    ),
    Route(
        "care:consent-withdraw",
        only({"coordinator_a": 200, "coordinator_b": 404}),
        kwargs=lambda w: {"pk": _history_a(w)["consent"].pk},
    ),
    # Django admin: installation administrators (superusers with MFA) only.
    Route("admin:index", only({"superuser": 200})),
    Route("admin:accounts_auditevent_changelist", only({"superuser": 200})),
    Route("admin:accounts_user_changelist", only({"superuser": 200})),
    Route("admin:care_followupplan_changelist", only({"superuser": 200})),
]

ROUTES += EVIDENCE_ROUTES + PROGRAMME_ROUTES + INTAKE_ROUTES + NEWSLETTER_ROUTES + PACKET_ROUTES
ROUTES += REPORT_ROUTES + EXCHANGE_ROUTES
ROUTES += TRIAL_ROUTES

DECLARED_NAMESPACES = {"admin"}
"""Namespaces whose other URLs are covered by the admin site's single permission check
(`CellpathAdminSite.admin_view`), sampled above."""
