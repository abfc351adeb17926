"""The table the database cache keeps throttle counters in (settings.CACHES).

Made whatever CACHES says, so an installation that later drops COFFEECHAT_REDIS_URL still
has it; `createcachetable` skips a table that exists.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "coffeechat_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0  # set by handle(), which this skips
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_apitoken_uuid")]

    operations = [migrations.RunPython(create_table, drop_table)]
