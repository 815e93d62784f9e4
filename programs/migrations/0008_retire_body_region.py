"""One region per exercise: the older, coarser `body_region` goes, after filling any exercise that
had only it. Going back fills `body_region` from the region again, so no exercise is left without."""

from django.db import migrations, models

REGION_OF_BODY_REGION = {
    "feet": "ankle-foot",
    "hips": "hip",
    "core": "lower-back",
    "spine": "lower-back",
    "full": "balance",
}
BODY_REGION_OF_REGION = {
    "neck": "spine",
    "shoulder": "full",
    "upper-back": "spine",
    "lower-back": "core",
    "hip": "hips",
    "knee": "feet",
    "ankle-foot": "feet",
    "balance": "full",
}


def regions_from_body_regions(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for body_region, region in REGION_OF_BODY_REGION.items():
        Exercise.objects.filter(body_region=body_region, region="").update(region=region)
    # An exercise with neither (only possible by hand in the database) still gets a region.
    Exercise.objects.filter(region="").update(region="balance")


def body_regions_from_regions(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for region, body_region in BODY_REGION_OF_REGION.items():
        Exercise.objects.filter(region=region).update(body_region=body_region)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_program_safety"),
    ]

    operations = [
        migrations.RunPython(regions_from_body_regions, body_regions_from_regions),
        # A default first, so that going back can add the column to rows that exist.
        migrations.AlterField(
            model_name="exercise",
            name="body_region",
            field=models.CharField(max_length=20, blank=True, default=""),
        ),
        migrations.RemoveField(model_name="exercise", name="body_region"),
        migrations.AlterField(
            model_name="exercise",
            name="region",
            field=models.CharField(
                choices=[
                    ("neck", "Neck"),
                    ("shoulder", "Shoulder"),
                    ("upper-back", "Upper back"),
                    ("lower-back", "Lower back"),
                    ("hip", "Hip"),
                    ("knee", "Knee"),
                    ("ankle-foot", "Ankle and foot"),
                    ("balance", "Balance and whole body"),
                ],
                max_length=20,
            ),
        ),
    ]
