"""Take over ``projects_profile`` (renamed in place) and replace DRF's plaintext token
table with hashed, named personal tokens; existing tokens keep working."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TOKEN_TABLE = "authtoken_token"


def move_content_type(apps, schema_editor):
    """Keep the profile's content type (and the permissions and admin log pointing at it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="profile").exists():
        ContentType.objects.filter(app_label="projects", model="profile").update(
            app_label="accounts"
        )


def hash_old_tokens(apps, schema_editor):
    """Copy DRF's tokens as hashes (one per person, named "API token"), then drop the table
    that held them in plain text. A database that never had it is left as it is."""
    connection = schema_editor.connection
    if OLD_TOKEN_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TOKEN_TABLE}")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id,
            name="API token",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
        )
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {OLD_TOKEN_TABLE}")


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
                    name="Profile",
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
                        (
                            "discipline",
                            models.CharField(
                                choices=[
                                    ("data_scientist", "Data scientist"),
                                    ("data_engineer", "Data engineer"),
                                    ("software_engineer", "Software engineer"),
                                    ("product_manager", "Product manager"),
                                    ("designer", "Designer"),
                                    ("manager", "Manager"),
                                ],
                                default="data_scientist",
                                max_length=32,
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("viewer", "Viewer"),
                                    ("member", "Member"),
                                    ("manager", "Manager"),
                                    ("admin", "Admin"),
                                ],
                                default="viewer",
                                max_length=16,
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "projects_profile",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("role__in", ["viewer", "member", "manager", "admin"])
                                ),
                                name="profile_role_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "discipline__in",
                                        [
                                            "data_scientist",
                                            "data_engineer",
                                            "software_engineer",
                                            "product_manager",
                                            "designer",
                                            "manager",
                                        ],
                                    )
                                ),
                                name="profile_discipline_valid",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="profile", table=None),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("prefix", models.CharField(editable=False, max_length=12)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["user", "-created_at"], name="apitoken_user_time")
                ],
            },
        ),
        migrations.RunPython(hash_old_tokens, migrations.RunPython.noop),
    ]
