# Free text stored encrypted (alongside.field_encryption): the columns become text, then
# the rows already there are encrypted under the newest key (decrypted again on the way back).

import alongside.field_encryption
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='transcript',
            name='text',
            field=alongside.field_encryption.EncryptedTextField(max_length=400000),
        ),
        alongside.field_encryption.encrypt_existing_rows(
            ('evaluation.transcript', 'text'),
        ),
    ]
