# Free text stored encrypted (alongside.field_encryption): the columns become text, then
# the rows already there are encrypted under the newest key (decrypted again on the way back).

import alongside.field_encryption
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_risk_to_others'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contact',
            name='reflection',
            field=alongside.field_encryption.EncryptedTextField(blank=True, help_text='For the mentor and their supervisor only; never the patient', max_length=4000),
        ),
        alongside.field_encryption.encrypt_existing_rows(
            ('contacts.contact', 'reflection'),
        ),
    ]
