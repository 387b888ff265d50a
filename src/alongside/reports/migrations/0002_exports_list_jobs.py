# A list export spans every service the person sees, so its job names no one service.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="service",
            field=models.ForeignKey(
                blank=True,
                help_text="The service of a research export; empty for a list export",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="export_jobs",
                to="organisations.service",
            ),
        ),
    ]
