# The participants' screen moves from /workshops/<number>/participant/ to /room/<random key>/.

import secrets

from django.db import migrations, models

import trainer.workshops.codes


def fill(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    for workshop in Workshop.objects.only("pk").iterator():
        Workshop.objects.filter(pk=workshop.pk).update(room_key=secrets.token_urlsafe(12))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_capacity"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="room_key",
            field=models.CharField(max_length=24, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="workshop",
            name="room_key",
            field=models.CharField(
                default=trainer.workshops.codes.new_room_key,
                editable=False,
                help_text="The random part of the room's address on the participants' phones.",
                max_length=24,
                unique=True,
            ),
        ),
    ]
