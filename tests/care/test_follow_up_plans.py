"""Follow-up plans are configuration: administrators edit them in the admin; new courses use
the default plan, which is recreated if it is missing."""

from __future__ import annotations

from django.urls import reverse

from cellpath.care.models import FollowUpPlan


def test_administrators_configure_follow_up_plans_in_the_admin(world, client_for) -> None:
    client = client_for("superuser")
    plan = FollowUpPlan.default()
    page = client.get(reverse("admin:care_followupplan_change", args=[plan.pk]))
    assert page.status_code == 200 and "12 months" in page.content.decode()
    assert client.get(reverse("admin:index")).content.decode().count("Patient") == 0


def test_the_default_plan_is_recreated_when_missing(db) -> None:
    FollowUpPlan.objects.all().delete()
    plan = FollowUpPlan.default()
    labels = list(plan.timepoints.values_list("label", flat=True))
    assert labels[:3] == ["Baseline", "2 weeks", "1 month"] and labels[-1] == "60 months"
    assert FollowUpPlan.default() == plan
