"""Each version's "what changed" becomes data, put into words when read in the reader's language.

The English lines stored so far are recomputed from the version's program and schedule and
the version before it. A row is converted only when the recomputed changes, put into English
words, read exactly as the stored lines; otherwise its lines are kept word for word (as
`{"kind": "text"}` changes), so nothing is lost. Reversing puts every row back into English lines.
"""

from django.db import migrations, models

from clients.assignments import changes as change_data


def _snapshot(version, items):
    return change_data.snapshot(items, version.schedule)


def _english(found, Exercise) -> list[str]:
    ids = {change["exercise"] for change in found if "exercise" in change}
    names = dict(Exercise.objects.filter(pk__in=ids).values_list("pk", "name"))
    return change_data.said(found, language="en", names=names)


def _is_old_lines(lines) -> bool:
    return all(isinstance(line, str) for line in lines)


def changes_as_data(apps, schema_editor):
    AssignmentVersion = apps.get_model("clients", "AssignmentVersion")
    ProgramExercise = apps.get_model("programs", "ProgramExercise")
    Exercise = apps.get_model("programs", "Exercise")
    versions = AssignmentVersion.objects.exclude(changes=[]).order_by("assignment_id", "number")
    for version in versions.iterator():
        if not _is_old_lines(version.changes):
            continue  # already data
        version.changes = _recomputed(version, AssignmentVersion, ProgramExercise, Exercise) or [
            {"kind": change_data.TEXT, "text": line} for line in version.changes
        ]
        version.save(update_fields=["changes"])


def _recomputed(version, AssignmentVersion, ProgramExercise, Exercise) -> list[dict] | None:
    """The changes as data when they word exactly as stored, else None."""
    before = AssignmentVersion.objects.filter(assignment_id=version.assignment_id, number=version.number - 1)
    before = before.first()
    if before is None or not before.schedule or not version.schedule:
        return None
    items = ProgramExercise.objects.order_by("position", "id")
    # The wording is the app's code of today, run on historical models: anything it cannot do
    # with them (an exercise gone, a function since changed) keeps the lines as they were written.
    try:
        found = change_data.diff(
            _snapshot(before, items.filter(program_id=before.program_id)),
            _snapshot(version, items.filter(program_id=version.program_id)),
        )
        return found if _english(found, Exercise) == version.changes else None
    except (KeyError, AttributeError, TypeError, ValueError):
        return None


def changes_as_english_lines(apps, schema_editor):
    AssignmentVersion = apps.get_model("clients", "AssignmentVersion")
    Exercise = apps.get_model("programs", "Exercise")
    for version in AssignmentVersion.objects.exclude(changes=[]).iterator():
        if not _is_old_lines(version.changes):
            version.changes = _english(version.changes, Exercise)
            version.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_handout_emails_row_first"),
        ("programs", "0004_exercise_translations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assignmentversion",
            name="changes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What changed since the version before, as data; put into words when read (clients/changes.py)",
            ),
        ),
        migrations.RunPython(changes_as_data, changes_as_english_lines),
    ]
