from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mentors", "0006_one_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="trainingmodule",
            name="required_from",
            field=models.DateField(
                blank=True,
                help_text="Mentors who have not done it can take new mentees until the day "
                "before; leave empty to require it at once",
                null=True,
            ),
        ),
    ]
