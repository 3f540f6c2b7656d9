"""The newsletter's unsubscribe link is checked by its signature alone, as the trial alerts' stop
link is (one mechanism, `accounts.subscriptions`): the stored hash of that signed value added
nothing, since anyone able to sign could compute it. Every row is kept; only the derived column
goes. Going back computes it again from each row's id (the salt the links were signed with)."""

import hashlib

from django.core import signing
from django.db import migrations, models

SALT = "cellpath.newsletter.unsubscribe"


def hashes_again(apps, schema_editor):
    Subscriber = apps.get_model("intake", "Subscriber")
    for subscriber in Subscriber.objects.all():
        signed = signing.Signer(salt=SALT).sign(str(subscriber.pk))
        subscriber.unsubscribe_token_hash = hashlib.sha256(signed.encode()).hexdigest()
        subscriber.save(update_fields=["unsubscribe_token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_one_profile_vocabulary"),
    ]

    operations = [
        # backwards, these three run in reverse: the column comes back without its unique
        # constraint, is filled, then made unique again
        migrations.AlterField(
            model_name="subscriber",
            name="unsubscribe_token_hash",
            field=models.CharField(max_length=64, blank=True, default=""),
        ),
        migrations.RunPython(migrations.RunPython.noop, hashes_again),
        migrations.RemoveField(model_name="subscriber", name="unsubscribe_token_hash"),
    ]
