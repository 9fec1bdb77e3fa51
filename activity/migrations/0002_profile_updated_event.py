"""A new event type, ``profile.updated``: the choices and the check constraint list it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="activity",
            name="activity_event_valid",
        ),
        migrations.AlterField(
            model_name="activity",
            name="event",
            field=models.CharField(
                choices=[
                    ("project.created", "created project"),
                    ("project.updated", "updated project"),
                    ("project.phase_changed", "changed phase"),
                    ("target.created", "added target"),
                    ("target.updated", "updated target"),
                    ("target.deleted", "removed target"),
                    ("target.reordered", "reordered targets"),
                    ("rotation.created", "added rotation"),
                    ("rotation.placeholder_created", "added placeholder"),
                    ("rotation.placeholder_filled", "filled placeholder"),
                    ("rotation.updated", "updated rotation"),
                    ("rotation.deleted", "removed rotation"),
                    ("rotation.ended", "ended rotation"),
                    ("rotation.takeaway_requested", "asked for a takeaway"),
                    ("takeaway.created", "shared takeaway"),
                    ("takeaway.updated", "updated takeaway"),
                    ("takeaway.deleted", "deleted takeaway"),
                    ("token.created", "created an API token"),
                    ("token.revoked", "revoked an API token"),
                    ("profile.updated", "changed the role or discipline of"),
                    ("board.created", "created board"),
                    ("board.updated", "changed board"),
                    ("metric.created", "added metric"),
                    ("metric.updated", "changed metric"),
                    ("idea.created", "proposed idea"),
                    ("idea.updated", "edited idea"),
                    ("idea.moved", "moved idea"),
                    ("idea.promoted", "promoted idea"),
                    ("idea.reordered", "reordered idea"),
                    ("task.created", "added task"),
                    ("task.updated", "changed task"),
                    ("task.completed", "completed task"),
                    ("reading.created", "recorded a reading"),
                    ("reading.bulk_recorded", "recorded readings"),
                    ("reading.deleted", "deleted a reading"),
                ],
                max_length=64,
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "event__in",
                        [
                            "project.created",
                            "project.updated",
                            "project.phase_changed",
                            "target.created",
                            "target.updated",
                            "target.deleted",
                            "target.reordered",
                            "rotation.created",
                            "rotation.placeholder_created",
                            "rotation.placeholder_filled",
                            "rotation.updated",
                            "rotation.deleted",
                            "rotation.ended",
                            "rotation.takeaway_requested",
                            "takeaway.created",
                            "takeaway.updated",
                            "takeaway.deleted",
                            "token.created",
                            "token.revoked",
                            "profile.updated",
                            "board.created",
                            "board.updated",
                            "metric.created",
                            "metric.updated",
                            "idea.created",
                            "idea.updated",
                            "idea.moved",
                            "idea.promoted",
                            "idea.reordered",
                            "task.created",
                            "task.updated",
                            "task.completed",
                            "reading.created",
                            "reading.bulk_recorded",
                            "reading.deleted",
                        ],
                    )
                ),
                name="activity_event_valid",
            ),
        ),
    ]
