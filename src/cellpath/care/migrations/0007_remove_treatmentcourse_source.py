"""The combined cell source, now held as donor and source tissue (0006), goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("care", "0006_course_product_and_programme_data")]

    operations = [migrations.RemoveField(model_name="treatmentcourse", name="source")]
