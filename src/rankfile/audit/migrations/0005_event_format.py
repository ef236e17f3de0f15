"""Events record which fields their hash covers. The events already written were hashed in
format 1 and keep it; events appended from now on are format 2, which also covers the
target's label and the member and branch columns."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_payload_as_written"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="format",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="format",
            field=models.PositiveSmallIntegerField(default=2),
        ),
    ]
