"""Profiles moved to ``accounts`` and the activity log to ``activity``: their tables were
renamed there, so here they leave the projects app's state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_targets_rotations_takeaways"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Profile"),
                migrations.DeleteModel(name="Activity"),
            ],
        ),
    ]
