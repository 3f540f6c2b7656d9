"""Make the audit table append-only in the database itself (see cellpath.accounts.triggers;
the triggers are also reinstalled after every migrate)."""

from django.db import migrations

from cellpath.accounts import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
