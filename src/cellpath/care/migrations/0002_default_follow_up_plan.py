"""The default follow-up plan: baseline, 2 weeks, 1, 2, 3, 6, 9 and 12 months, then every
6 months to 5 years (the schedule described in the issue; programmes add their own in the admin)."""

from django.db import migrations

MONTH = 30.4375  # days per month, 365.25 / 12 (als-measures.md §0)
TIMEPOINTS = [
    ("Baseline", 0, 7),
    ("2 weeks", 14, 3),
    ("1 month", round(1 * MONTH), 7),
    ("2 months", round(2 * MONTH), 7),
    ("3 months", round(3 * MONTH), 14),
    ("6 months", round(6 * MONTH), 14),
    ("9 months", round(9 * MONTH), 14),
    ("12 months", round(12 * MONTH), 21),
    *[(f"{m} months", round(m * MONTH), 30) for m in range(18, 61, 6)],
]


def create(apps, schema_editor):
    plan_model = apps.get_model("care", "FollowUpPlan")
    point_model = apps.get_model("care", "PlanTimepoint")
    plan, _ = plan_model.objects.get_or_create(name="Standard follow-up", defaults={"is_default": True})
    for label, offset, window in TIMEPOINTS:
        point_model.objects.get_or_create(
            plan=plan, day_offset=offset, defaults={"label": label, "window_days": window}
        )


def remove(apps, schema_editor):
    apps.get_model("care", "FollowUpPlan").objects.filter(name="Standard follow-up").delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
