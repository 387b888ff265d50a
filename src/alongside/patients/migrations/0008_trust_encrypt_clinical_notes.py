# Free text stored encrypted (alongside.field_encryption): the columns become text, then
# the rows already there are encrypted under the newest key (decrypted again on the way back).

import alongside.field_encryption
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0007_one_vocabulary_gender_words'),
    ]

    operations = [
        migrations.AlterField(
            model_name='capacitycertificate',
            name='notes',
            field=alongside.field_encryption.EncryptedTextField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name='casehold',
            name='note',
            field=alongside.field_encryption.EncryptedTextField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='employercontact',
            name='agreed',
            field=alongside.field_encryption.EncryptedTextField(blank=True, help_text='What was agreed', max_length=4000),
        ),
        migrations.AlterField(
            model_name='employercontact',
            name='summary',
            field=alongside.field_encryption.EncryptedTextField(max_length=4000),
        ),
        migrations.AlterField(
            model_name='workstatus',
            name='note',
            field=alongside.field_encryption.EncryptedTextField(blank=True, max_length=300),
        ),
        alongside.field_encryption.encrypt_existing_rows(
            ('patients.capacitycertificate', 'notes'),
            ('patients.casehold', 'note'),
            ('patients.employercontact', 'agreed'),
            ('patients.employercontact', 'summary'),
            ('patients.workstatus', 'note'),
        ),
    ]
