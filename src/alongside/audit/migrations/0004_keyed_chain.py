"""Chain new events with HMAC-SHA256 under ALONGSIDE_AUDIT_KEY; seal the head.

Existing events become scheme 1 (plain SHA-256) and keep verifying; the head
records how many there are and is sealed with the key now, so that number
cannot later be raised to pass off recomputed events as legacy ones.
"""

from django.db import migrations, models


def seal_existing_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    from alongside.audit.chain import current_key, head_seal

    key = current_key()
    for head in apps.get_model("audit", "AuditChainHead").objects.all():
        head.legacy_count = head.count
        head.key_id = key.key_id
        head.seal = head_seal(
            count=head.count, last_hash=head.last_hash, legacy_count=head.count, key=key
        )
        head.save(update_fields=["legacy_count", "key_id", "seal"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_object_ids")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256 (legacy)"), (2, "HMAC-SHA256")], default=1
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(
                blank=True, help_text="Which audit key made the hash", max_length=16
            ),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_count",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seal",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.RunPython(seal_existing_head, migrations.RunPython.noop),
    ]
