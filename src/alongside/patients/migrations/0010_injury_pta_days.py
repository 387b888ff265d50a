import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0009_people_clinical_override"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="pta_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Days in post-traumatic amnesia; 0 if less than a day",
                null=True,
                validators=[django.core.validators.MaxValueValidator(365)],
                verbose_name="Post-traumatic amnesia (days)",
            ),
        ),
    ]
