"""Create the chain's head row before the first append, so that concurrent first appends
queue on its lock instead of racing to create it."""

from django.db import migrations

GENESIS_HASH = "0" * 64  # rankfile.core.chain.GENESIS_HASH, copied: migrations stay as written


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if AuditHead.objects.filter(pk=1).exists():
        return
    last = AuditEvent.objects.order_by("-seq").first()
    if last is None:
        AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
    else:
        AuditHead.objects.create(pk=1, seq=last.seq, hash=last.hash)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_payload_canonical_encoder"),
    ]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
