from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_trust_encrypt_transcripts")]

    operations = [
        migrations.AddField(
            model_name="study",
            name="suggestions_enabled",
            field=models.BooleanField(
                default=False, help_text="Suggest codes from similar coded passages"
            ),
        ),
    ]
