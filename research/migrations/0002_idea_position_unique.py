"""Idea positions become unique per board column (board, status).

Ideas created at the same moment used to share a position. Columns holding such duplicates
are renumbered 1..n in their current order (position, then id) before the constraint is
added; columns without duplicates keep their numbers. The constraint's unique index replaces
the plain index on the same columns.
"""

from django.db import migrations, models
from django.db.models import Count


def renumber_crowded_columns(apps, schema_editor):
    Idea = apps.get_model("research", "Idea")
    crowded = (
        Idea.objects.order_by()
        .values("board_id", "status")
        .annotate(ideas=Count("id"), places=Count("position", distinct=True))
        .filter(ideas__gt=models.F("places"))
    )
    for column in crowded:
        ideas = list(
            Idea.objects.filter(board_id=column["board_id"], status=column["status"]).order_by(
                "position", "id"
            )
        )
        for position, idea in enumerate(ideas, start=1):
            idea.position = position
        Idea.objects.bulk_update(ideas, ["position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(renumber_crowded_columns, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="idea",
            constraint=models.UniqueConstraint(
                deferrable=models.Deferrable.DEFERRED,
                fields=("board", "status", "position"),
                name="idea_position_unique",
            ),
        ),
        migrations.RemoveIndex(
            model_name="idea",
            name="idea_board_column",
        ),
    ]
