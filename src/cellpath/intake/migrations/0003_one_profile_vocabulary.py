"""One profile vocabulary (cellpath.screening): programme criteria and applications take the
field names of the trial reader's contract, and "yes/no" rules the engine's present/absent.

Stored criteria, the applicants' answers and the pre-screens they were shown are carried over
key by key (the texts shown are kept as they were); every changed row gets an audit event.
"""

from django.db import migrations, models

FIELDS = {
    "months_since_onset": "months_since_symptom_onset",
    "fvc_percent_predicted": "vc_percent_predicted",
    "pregnant_or_breastfeeding": "pregnancy",
}
OPS = {"is_true": "present", "is_false": "absent"}


def renamed(mapping: dict, fields: dict) -> dict:
    """`mapping` with its keys renamed, order kept."""
    return {fields.get(key, key): value for key, value in mapping.items()}


def renamed_snapshot(snapshot: dict, fields: dict) -> dict:
    """A stored pre-screen with the field names of its results and questions renamed."""
    if not snapshot:
        return snapshot
    out = dict(snapshot)
    out["results"] = [
        {**r, "field": fields.get(r.get("field"), r.get("field"))}
        for r in snapshot.get("results", [])
    ]
    out["questions"] = [
        {**q, "key": fields.get(q.get("key"), q.get("key"))} for q in snapshot.get("questions", [])
    ]
    return out


def _audit(object_type: str, pk: int, site_id, changes: dict) -> None:
    from cellpath.accounts.audit import record_migration

    record_migration("intake.0003 (one profile vocabulary)", object_type, pk, site_id, changes)


def _carry(apps, fields: dict, ops: dict) -> None:
    criterion = apps.get_model("intake", "ScreeningCriterion")
    for row in criterion.objects.select_related("programme"):
        new = {"field": fields.get(row.field, row.field), "op": ops.get(row.op, row.op)}
        changes = {k: {"old": getattr(row, k), "new": v} for k, v in new.items()
                   if getattr(row, k) != v}
        if changes:
            criterion.objects.filter(pk=row.pk).update(**new)
            _audit("intake.screeningcriterion", row.pk, row.programme.site_id, changes)
    application = apps.get_model("intake", "Application")
    for row in application.objects.all():
        new = {"answers": renamed(row.answers or {}, fields),
               "screening": renamed_snapshot(row.screening, fields)}
        changes = {k: {"old": getattr(row, k), "new": v} for k, v in new.items()
                   if getattr(row, k) != v}
        if changes:
            application.objects.filter(pk=row.pk).update(**new)
            _audit("intake.application", row.pk, row.site_id, changes)


def forwards(apps, schema_editor):
    _carry(apps, FIELDS, OPS)


def backwards(apps, schema_editor):
    _carry(apps, {v: k for k, v in FIELDS.items()}, {v: k for k, v in OPS.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_applications_share_a_link'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name='screeningcriterion',
            name='field',
            field=models.CharField(choices=[('age_years', 'Age'), ('months_since_symptom_onset', 'Time since first symptoms'), ('months_since_diagnosis', 'Time since diagnosis'), ('alsfrs_r_total', 'ALSFRS-R total'), ('el_escorial', 'El Escorial category'), ('vc_percent_predicted', 'Vital capacity'), ('niv_hours_per_day', 'Breathing mask (NIV) use'), ('invasive_ventilation', 'Invasive ventilation'), ('tracheostomy', 'Tracheostomy'), ('gastrostomy', 'Feeding tube'), ('riluzole', 'Riluzole'), ('edaravone', 'Edaravone'), ('anticoagulants', 'Blood thinners'), ('prior_stem_cell_therapy', 'Earlier stem-cell treatment'), ('pregnancy', 'Pregnancy or breastfeeding'), ('active_cancer', 'Active cancer'), ('bone_marrow_disorder', 'Bone-marrow disorder'), ('clotting_disorder', 'Clotting disorder'), ('active_severe_infection', 'Severe infection'), ('platelets', 'Platelet count')], max_length=40),
        ),
        migrations.AlterField(
            model_name='screeningcriterion',
            name='op',
            field=models.CharField(choices=[('>=', 'at least'), ('<=', 'at most'), ('>', 'more than'), ('<', 'less than'), ('==', 'equal to'), ('between', 'between'), ('in', 'one of'), ('not_in', 'not one of'), ('present', 'yes'), ('absent', 'no')], max_length=10, verbose_name='comparison'),
        ),
    ]
