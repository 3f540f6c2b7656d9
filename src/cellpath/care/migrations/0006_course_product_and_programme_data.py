"""Carry courses, harvests and doses over to the shared cell-product vocabulary, and link each
course to the programme it names.

* Care's combined cell source becomes its two parts: "auto_bone_marrow" → autologous, bone
  marrow; "allo_cord" → allogeneic, umbilical cord; and so on (`SOURCES`). A harvest keeps the
  tissue part only (its cells are the patient's own).
* Route "iv" becomes "intravenous"; the other route codes were already the shared ones.
* A course whose typed programme matches, case-insensitively and trimmed, exactly one programme
  its site may choose (published, or the site's own) is linked to it. The text stays, as
  entered. A course that matches none, or several, stays unlinked: the care team is asked about
  it (`care.data_quality.unlinked_programme_findings`); nothing is guessed.

Every row changed gets an audit event with its old and new values
(`accounts.audit.record_migration`). Backwards, the combined codes and "iv" come back; a course whose donor and tissue have no
combined code (an autologous course from cord blood, say) cannot go back and is refused, with
its id, rather than losing its source. Unmapped codes are never changed silently: a course with
a source this migration does not know stops it, with its id.
"""

from django.db import migrations

SOURCES = {
    "auto_bone_marrow": ("autologous", "bone_marrow"),
    "auto_adipose": ("autologous", "adipose"),
    "auto_blood": ("autologous", "blood"),
    "allo_cord": ("allogeneic", "umbilical_cord"),
    "allo_wharton": ("allogeneic", "wharton_jelly"),
    "allo_other": ("allogeneic", "other"),
}
"""Care's combined source code → (donor, source tissue)."""

ROUTES = {"iv": "intravenous"}
"""Route codes that changed; the others (intrathecal, intraspinal, intramuscular, other) did
not."""

BATCH = 500


class UnmappedValueError(ValueError):
    """A stored value the mapping does not know: fix it by hand, then migrate again."""


def donor_and_tissue(source):
    """(donor, tissue) of a combined source code."""
    try:
        return SOURCES[source]
    except KeyError:
        raise UnmappedValueError(f"unknown cell source “{source}”") from None


def combined_source(donor, tissue):
    """The combined code of (donor, tissue), or None when the old vocabulary had none. Allogeneic
    tissues it did not name were all "allogeneic, other"."""
    for code, parts in SOURCES.items():
        if parts == (donor, tissue):
            return code
    return "allo_other" if donor == "allogeneic" else None


def harvest_tissue(code):
    """A harvest's tissue: the tissue part of a combined code (unknown codes are kept)."""
    return SOURCES[code][1] if code in SOURCES else code


def new_route(code):
    return ROUTES.get(code, code)


def old_route(code):
    return {new: old for old, new in ROUTES.items()}.get(code, code)


def normalised_name(text):
    """How a typed programme name is compared with programme names: trimmed, any case."""
    return (text or "").strip().casefold()


def matching_programme(name, site_id, programmes):
    """The id of the one programme named `name` that a course at `site_id` may link to, or None
    (no match, or more than one). `programmes` holds (id, name, site_id, published) rows."""
    wanted = normalised_name(name)
    if not wanted:
        return None
    found = [
        pk
        for pk, programme_name, programme_site, published in programmes
        if normalised_name(programme_name) == wanted and (published or programme_site == site_id)
    ]
    return found[0] if len(found) == 1 else None


MIGRATION = "care.0006 (cell-product vocabulary)"


def _in_batches(queryset, fields, change, site_of):
    """Apply `change` to each row and write the changed ones in batches, each with an audit
    event of its old and new values (the record's site from `site_of`)."""
    from cellpath.accounts.audit import record_migration

    label = queryset.model._meta.label_lower
    rows = []
    for row in queryset.iterator(chunk_size=BATCH):
        before = {f: getattr(row, f if f != "programme" else "programme_id") for f in fields}
        if change(row):
            after = {f: getattr(row, f if f != "programme" else "programme_id") for f in fields}
            changes = {f: {"old": before[f], "new": after[f]} for f in fields}
            record_migration(MIGRATION, label, row.pk, site_of(row), changes)
            rows.append(row)
        if len(rows) >= BATCH:
            queryset.model.objects.bulk_update(rows, fields)
            rows = []
    if rows:
        queryset.model.objects.bulk_update(rows, fields)


def forward(apps, schema_editor):
    TreatmentCourse = apps.get_model("care", "TreatmentCourse")
    Harvest = apps.get_model("care", "Harvest")
    Administration = apps.get_model("care", "Administration")
    Programme = apps.get_model("programmes", "Programme")

    unknown = sorted(
        TreatmentCourse.objects.exclude(source__in=SOURCES).values_list("pk", flat=True)
    )
    if unknown:
        raise UnmappedValueError(
            f"Treatment courses {unknown} have a cell source this migration does not know; "
            "correct it by hand, then migrate again."
        )
    programmes = list(Programme.objects.values_list("pk", "name", "site_id", "published"))

    def course(row):
        row.donor, row.tissue = donor_and_tissue(row.source)
        row.route = new_route(row.route)
        if row.programme_id is None:
            row.programme_id = matching_programme(
                row.programme_name, row.patient.site_id, programmes
            )
        return True

    _in_batches(
        TreatmentCourse.objects.select_related("patient").order_by("pk"),
        ["donor", "tissue", "route", "programme"],
        course,
        lambda row: row.patient.site_id,
    )

    def harvest(row):
        tissue = harvest_tissue(row.tissue)
        changed, row.tissue = tissue != row.tissue, tissue
        return changed

    _in_batches(
        Harvest.objects.select_related("course__patient").order_by("pk"),
        ["tissue"],
        harvest,
        lambda row: row.course.patient.site_id,
    )
    _routes(Administration, ROUTES)


def _routes(administration, mapping):
    def route(row):
        changed, row.route = row.route in mapping, mapping.get(row.route, row.route)
        return changed

    _in_batches(
        administration.objects.filter(route__in=mapping).select_related("course__patient"),
        ["route"],
        route,
        lambda row: row.course.patient.site_id,
    )


def backward(apps, schema_editor):
    TreatmentCourse = apps.get_model("care", "TreatmentCourse")
    Harvest = apps.get_model("care", "Harvest")
    Administration = apps.get_model("care", "Administration")

    courses = TreatmentCourse.objects.select_related("programme", "patient").order_by("pk")
    stuck = [c.pk for c in courses if combined_source(c.donor, c.tissue) is None]
    if stuck:
        raise UnmappedValueError(
            f"Treatment courses {stuck} have a donor and tissue the old vocabulary cannot hold; "
            "they cannot be migrated back without losing their source."
        )

    def course(row):
        row.source = combined_source(row.donor, row.tissue)
        row.route = old_route(row.route)
        if not row.programme_name and row.programme_id is not None:
            row.programme_name = row.programme.name  # the old field was required
        return True

    _in_batches(
        courses, ["source", "route", "programme_name"], course, lambda row: row.patient.site_id
    )

    donors = dict(TreatmentCourse.objects.values_list("pk", "donor"))

    def harvest(row):
        old = combined_source(donors.get(row.course_id, "autologous"), row.tissue)
        changed, row.tissue = bool(old) and old != row.tissue, old or row.tissue
        return changed

    _in_batches(
        Harvest.objects.select_related("course__patient").order_by("pk"),
        ["tissue"],
        harvest,
        lambda row: row.course.patient.site_id,
    )
    _routes(Administration, {new: old for old, new in ROUTES.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("care", "0005_course_product_and_programme_fields"),
        ("programmes", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
