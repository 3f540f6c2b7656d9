"""A course's product in the shared vocabulary (cellpath.outcomes.products), and its programme.

Schema only, before the data migration (0006): the free-text programme becomes
`programme_name` (as entered) beside a link to `programmes.Programme`; the combined cell source
gets its two parts, donor and source tissue. The old `source` column goes in 0007, once 0006
has copied it.
"""

import django.db.models.deletion
from django.db import migrations, models

CELL_TYPES = [
    ("msc", "Mesenchymal stromal cells (MSC)"),
    ("msc_ntf", "MSCs that secrete neurotrophic factors (MSC-NTF)"),
    ("neural", "Neural stem or progenitor cells"),
    ("astrocytes", "Astrocytes"),
    ("treg", "Regulatory T cells (Treg)"),
    ("muse", "Muse cells"),
    ("bm_mnc", "Bone-marrow mononuclear cells"),
    ("other", "Other"),
]
DONORS = [
    ("autologous", "Autologous (the patient's own cells)"),
    ("allogeneic", "Allogeneic (donor cells)"),
]
SOURCE_TISSUES = [
    ("bone_marrow", "Bone marrow"),
    ("adipose", "Adipose (fat) tissue"),
    ("blood", "Blood"),
    ("umbilical_cord", "Umbilical cord"),
    ("wharton_jelly", "Wharton's jelly of the umbilical cord"),
    ("cord_blood", "Umbilical cord blood"),
    ("fetal_tissue", "Fetal nervous-system tissue"),
    ("embryonic_stem_cells", "Embryonic stem cells"),
    ("other", "Other"),
]
ROUTES = [
    ("intravenous", "Intravenous (into a vein)"),
    ("intrathecal", "Intrathecal (into the spinal fluid)"),
    ("intraspinal", "Intraspinal (surgery into the spinal cord)"),
    ("intramuscular", "Intramuscular (into muscles)"),
    ("intracortical", "Intracortical (into the brain's motor cortex)"),
    ("other", "Other"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("care", "0004_dashboard_indexes"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="treatmentcourse", old_name="programme", new_name="programme_name"
        ),
        migrations.AlterField(
            model_name="treatmentcourse",
            name="programme_name",
            field=models.CharField(
                blank=True,
                help_text="The name as typed: for a programme not listed in Cellpath, or before "
                "courses were linked to programmes.",
                max_length=200,
                verbose_name="programme or trial, as entered",
            ),
        ),
        migrations.AddField(
            model_name="treatmentcourse",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="treatment_courses",
                to="programmes.programme",
                verbose_name="programme or trial",
            ),
        ),
        migrations.AddField(
            model_name="treatmentcourse",
            name="programme_not_listed",
            field=models.BooleanField(
                default=False,
                help_text="Someone confirmed that the programme named is not listed in Cellpath.",
                verbose_name="programme not listed in Cellpath",
            ),
        ),
        migrations.AddField(
            model_name="treatmentcourse",
            name="donor",
            field=models.CharField(
                choices=DONORS, default="", max_length=20, verbose_name="whose cells"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="treatmentcourse",
            name="tissue",
            field=models.CharField(
                choices=SOURCE_TISSUES, default="", max_length=30, verbose_name="source tissue"
            ),
            preserve_default=False,
        ),
        # Blank-able, so that undoing 0007 can add the column back to a table with rows.
        migrations.AlterField(
            model_name="treatmentcourse",
            name="source",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AlterField(
            model_name="treatmentcourse",
            name="cell_type",
            field=models.CharField(choices=CELL_TYPES, max_length=20),
        ),
        migrations.AlterField(
            model_name="treatmentcourse",
            name="route",
            field=models.CharField(choices=ROUTES, max_length=20, verbose_name="planned route"),
        ),
        migrations.AlterField(
            model_name="administration",
            name="route",
            field=models.CharField(choices=ROUTES, max_length=20),
        ),
        migrations.AlterField(
            model_name="harvest",
            name="tissue",
            field=models.CharField(choices=SOURCE_TISSUES, max_length=30),
        ),
    ]
