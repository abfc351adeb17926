from django.db import migrations


def create_search_index(apps, schema_editor):
    from coffeechat.network.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    # SQLite: FTS5 trigram table + triggers; PostgreSQL: pg_trgm GIN index. Also re-checked
    # after every migrate (network.apps), since SQLite table rebuilds drop triggers.
    operations = [migrations.RunPython(create_search_index, migrations.RunPython.noop)]
