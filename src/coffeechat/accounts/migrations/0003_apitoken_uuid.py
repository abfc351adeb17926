"""API tokens get a UUID for their URLs; existing tokens get one each."""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(uuid__isnull=True).only("pk"):
        ApiToken.objects.filter(pk=token.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_availability")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
