"""Take over ``projects_activity`` (renamed in place) and turn its free-text verbs into a
fixed set of event types."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The verbs the code wrote before event types, and the event type each one became.
VERB_TO_EVENT = {
    "created project": "project.created",
    "updated project": "project.updated",
    "changed phase": "project.phase_changed",
    "added target": "target.created",
    "updated target": "target.updated",
    "removed target": "target.deleted",
    "reordered targets": "target.reordered",
    "added rotation": "rotation.created",
    "added placeholder": "rotation.placeholder_created",
    "filled placeholder": "rotation.placeholder_filled",
    "updated rotation": "rotation.updated",
    "removed rotation": "rotation.deleted",
    "ended rotation": "rotation.ended",
    "asked for a takeaway": "rotation.takeaway_requested",
    "shared takeaway": "takeaway.created",
    "updated takeaway": "takeaway.updated",
    "deleted takeaway": "takeaway.deleted",
    "created an API token": "token.created",
    "revoked an API token": "token.revoked",
    "created board": "board.created",
    "changed board": "board.updated",
    "added metric": "metric.created",
    "changed metric": "metric.updated",
    "proposed idea": "idea.created",
    "edited idea": "idea.updated",
    "moved idea": "idea.moved",
    "promoted idea": "idea.promoted",
    "reordered idea": "idea.reordered",
    "added task": "task.created",
    "changed task": "task.updated",
    "completed task": "task.completed",
    "recorded a reading": "reading.created",
    "recorded readings": "reading.bulk_recorded",
    "deleted a reading": "reading.deleted",
    "regenerated their API token": "token.created",
    "revoked their API token": "token.revoked",
}


def move_content_type(apps, schema_editor):
    """Keep the activity log's content type (and the permissions pointing at it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="activity", model="activity").exists():
        ContentType.objects.filter(app_label="projects", model="activity").update(
            app_label="activity"
        )


def verbs_to_events(apps, schema_editor):
    Activity = apps.get_model("activity", "Activity")
    unknown = set(
        Activity.objects.exclude(event__in=list(VERB_TO_EVENT.values()))
        .exclude(event__in=list(VERB_TO_EVENT))
        .values_list("event", flat=True)
    )
    if unknown:
        raise RuntimeError(f"Activity rows with verbs no code ever wrote: {sorted(unknown)}")
    for verb, event in VERB_TO_EVENT.items():
        Activity.objects.filter(event=verb).update(event=event)


def events_to_verbs(apps, schema_editor):
    Activity = apps.get_model("activity", "Activity")
    for verb, event in VERB_TO_EVENT.items():
        Activity.objects.filter(event=event).update(event=verb)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0003_targets_rotations_takeaways"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("projects", "0004_move_profile_and_activity_out")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Activity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("verb", models.CharField(max_length=64)),
                        ("target_id", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("target_repr", models.CharField(blank=True, max_length=300)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "target_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="activities",
                                to="projects.project",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "projects_activity",
                        "verbose_name_plural": "activities",
                        "indexes": [
                            models.Index(
                                fields=["project", "-created_at"], name="activity_project_time"
                            ),
                            models.Index(fields=["-created_at"], name="activity_time"),
                            models.Index(
                                fields=["target_type", "target_id"], name="activity_target"
                            ),
                        ],
                        "ordering": ["-created_at", "-id"],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="activity", table=None),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
        migrations.RenameField(model_name="activity", old_name="verb", new_name="event"),
        migrations.RunPython(verbs_to_events, events_to_verbs),
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
