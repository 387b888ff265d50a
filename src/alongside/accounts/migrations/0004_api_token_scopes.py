"""API tokens carry scopes; tokens issued before scopes existed get every scope,
so no script stops working on upgrade."""

from django.db import migrations, models

# Frozen here: the scopes that existed when this migration was written.
ALL_SCOPES = [
    "services:read",
    "referrals:read",
    "referrals:write",
    "patients:read",
    "mentors:read",
    "matches:read",
    "matches:write",
    "contacts:read",
    "contacts:write",
    "notifications:read",
    "reports:read",
]


def grant_all(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.all().update(scopes=ALL_SCOPES)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token_expires_at")]

    operations = [
        migrations.AddField(
            model_name="apitoken", name="scopes", field=models.JSONField(default=list)
        ),
        migrations.RunPython(grant_all, migrations.RunPython.noop),
    ]
