"""Migration intake 0003 carries stored criteria, answers and pre-screens over to the one
profile vocabulary (cellpath.screening), auditing every row it changes, and back again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cellpath.accounts.audit import verify_chain
from cellpath.accounts.models import AuditEvent
from cellpath.intake.models import Application, ScreeningCriterion
from tests.programmes.kit import make_programme

BEFORE = [("intake", "0002_applications_share_a_link")]
AFTER = [("intake", "0003_one_profile_vocabulary")]


def _migrate(target: list[tuple[str, str]] | None = None):
    """Migrate to `target`; to the newest migrations when None."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_rows(transactional_db, world):
    programme = make_programme(world.site_a)
    apps = _migrate(BEFORE)
    criterion = apps.get_model("intake", "ScreeningCriterion")
    for order, (field, op, value, kind) in enumerate(
        [
            ("months_since_onset", "<=", 24, "inclusion"),
            ("fvc_percent_predicted", ">=", 50, "inclusion"),
            ("pregnant_or_breastfeeding", "is_true", None, "exclusion"),
            ("gastrostomy", "is_false", None, "inclusion"),
            ("age_years", "between", [18, 75], "inclusion"),
        ]
    ):
        criterion.objects.create(programme_id=programme.pk, field=field, op=op, value=value,
                                 kind=kind, explanation="why", order=order)  # fmt: skip
    application = apps.get_model("intake", "Application").objects.create(
        reference="A-OLD-1", programme_id=programme.pk, site_id=world.site_a.pk,
        status="new", applicant="patient", applicant_name="Ada", email="ada@example.org",
        answers={"fvc_percent_predicted": 72, "pregnant_or_breastfeeding": False,
                 "onset_date": "2025-01-01"},
        screening={"verdict": "need_more_information",
                   "results": [{"field": "months_since_onset", "criterion": "Time since first "
                                "symptoms at most 24 months", "reason": "You have not told us "
                                "when your first symptoms started yet.", "outcome": "unknown"}],
                   "questions": [{"key": "months_since_onset", "question": "How many months "
                                  "ago did your first ALS symptoms start?"}]},
        resume_token_hash="0" * 64, resume_expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    yield programme, application.pk
    _migrate()  # the newest schema again, for the tests that follow


def test_it_renames_fields_and_operators_and_keeps_what_was_shown(old_rows) -> None:
    programme, pk = old_rows
    events_before = AuditEvent.objects.count()
    _migrate(AFTER)
    rows = ScreeningCriterion.objects.filter(programme=programme).order_by("order")
    assert [(c.field, c.op) for c in rows] == [
        ("months_since_symptom_onset", "<="),
        ("vc_percent_predicted", ">="),
        ("pregnancy", "present"),
        ("gastrostomy", "absent"),
        ("age_years", "between"),
    ]
    assert [c.as_criterion().problems() for c in rows] == [[]] * 5
    application = Application.objects.get(pk=pk)
    assert application.answers == {
        "vc_percent_predicted": 72,
        "pregnancy": False,
        "onset_date": "2025-01-01",
    }
    result = application.screening["results"][0]
    assert result["field"] == "months_since_symptom_onset"
    assert result["reason"].startswith("You have not told us when")  # the words shown stay
    assert application.screening["questions"][0]["key"] == "months_since_symptom_onset"
    events = AuditEvent.objects.order_by("pk")[events_before:]
    assert len(events) == 5  # four criteria changed, one application; the age rule did not
    assert {e.actor_label for e in events} == {"migration intake.0003 (one profile vocabulary)"}
    assert events[4].changes["answers"]["old"]["fvc_percent_predicted"] == 72
    assert verify_chain(AuditEvent.objects.order_by("pk")) is None  # the hash chain holds


def test_it_goes_back(old_rows) -> None:
    programme, pk = old_rows
    _migrate(AFTER)
    apps = _migrate(BEFORE)
    criterion = apps.get_model("intake", "ScreeningCriterion")
    fields = criterion.objects.filter(programme_id=programme.pk).order_by("order")
    assert [(c.field, c.op) for c in fields][:4] == [
        ("months_since_onset", "<="),
        ("fvc_percent_predicted", ">="),
        ("pregnant_or_breastfeeding", "is_true"),
        ("gastrostomy", "is_false"),
    ]
    answers = apps.get_model("intake", "Application").objects.get(pk=pk).answers
    assert set(answers) == {"fvc_percent_predicted", "pregnant_or_breastfeeding", "onset_date"}
