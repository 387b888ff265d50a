"""The database cache table that rate limits are counted in (settings.CACHES["rate_limits"]).

Django's `migrate` does not create cache tables; `createcachetable` does, and
running it from a migration means every deployment gets the table.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
