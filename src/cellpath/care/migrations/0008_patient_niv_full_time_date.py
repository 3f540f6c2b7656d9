"""The date a patient came to need non-invasive ventilation more than 23 hours a day (the third
ENCALS endpoint, beside tracheostomy and death). Existing records keep it empty."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("care", "0007_remove_treatmentcourse_source")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="niv_full_time_date",
            field=models.DateField(
                blank=True,
                help_text="The day the patient came to need non-invasive ventilation more than "
                "23 hours a day (an ENCALS endpoint, like tracheostomy and death).",
                null=True,
                verbose_name="non-invasive ventilation more than 23 hours a day",
            ),
        ),
    ]
