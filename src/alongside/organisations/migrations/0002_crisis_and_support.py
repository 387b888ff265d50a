from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="import_day_first",
            field=models.BooleanField(
                default=False,
                help_text="Referral lists write dates as day/month/year (03/04/1987 is 3 April)",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="crisis_escalation_minutes",
            field=models.PositiveSmallIntegerField(
                default=60,
                help_text="Minutes an unacknowledged risk concern waits before managers are told",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="crisis_line",
            field=models.CharField(
                blank=True,
                help_text="Name and number, e.g. Lifeline 13 11 14. Leave empty for your country's default",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="duty_phone",
            field=models.CharField(
                blank=True,
                help_text="The supervising therapists' phone, shown to mentors",
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="emergency_number",
            field=models.CharField(
                blank=True,
                help_text="Leave empty for your country's default (AU 000, GB 999)",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="support_resources",
            field=models.TextField(
                blank=True,
                help_text="Shown to a mentor after a low well-being check-in: EAP, peer support, who to call",
                max_length=1000,
            ),
        ),
    ]
