# A link of its own that invites a facilitator to lead a cohort, withdrawn by a new nonce.

import secrets

from django.db import migrations, models

import trainer.progress.models


def fresh_nonces(apps, schema_editor):
    """Adding the column gives every existing cohort one shared default: give each its own."""
    Cohort = apps.get_model("progress", "Cohort")
    for cohort in Cohort.objects.only("pk").iterator():
        Cohort.objects.filter(pk=cohort.pk).update(lead_nonce=secrets.token_urlsafe(9))


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="lead_nonce",
            field=models.CharField(
                default=trainer.progress.models.new_invite_nonce,
                help_text="Changing it withdraws the link that invites another facilitator to lead.",
                max_length=24,
            ),
        ),
        migrations.RunPython(fresh_nonces, migrations.RunPython.noop),
    ]
