"""The default follow-up plan (cellpath.care.plans)."""

from django.db import migrations

from cellpath.care.plans import STANDARD_NAME, STANDARD_TIMEPOINTS


def create(apps, schema_editor):
    plan_model = apps.get_model("care", "FollowUpPlan")
    point_model = apps.get_model("care", "PlanTimepoint")
    plan, _ = plan_model.objects.get_or_create(name=STANDARD_NAME, defaults={"is_default": True})
    for label, offset, window in STANDARD_TIMEPOINTS:
        point_model.objects.get_or_create(
            plan=plan, day_offset=offset, defaults={"label": label, "window_days": window}
        )


def remove(apps, schema_editor):
    apps.get_model("care", "FollowUpPlan").objects.filter(name=STANDARD_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
