"""Every service asks for a signed code of conduct and confidentiality agreement.

The criterion is a default for new services (``core.mentor_programme.DEFAULT_CRITERIA``);
this adds it to services that existed before. It is required for activation only:
mentors who are already active stay active and matchable.
"""

from django.db import migrations
from django.db.models import Max

NAME = "Signed code of conduct and confidentiality agreement"
DESCRIPTION = (
    "The mentor has read and signed the service's code of conduct and its confidentiality "
    "agreement."
)


def add_criterion(apps, schema_editor):
    Service = apps.get_model("organisations", "Service")
    SelectionCriterion = apps.get_model("mentors", "SelectionCriterion")
    for service in Service.objects.all():
        if SelectionCriterion.objects.filter(service=service, name=NAME).exists():
            continue
        last = SelectionCriterion.objects.filter(service=service).aggregate(m=Max("order"))["m"]
        SelectionCriterion.objects.create(
            service=service,
            name=NAME,
            description=DESCRIPTION,
            required=True,
            kind="recorded",
            order=(last or 0) + 1,
        )


def remove_criterion(apps, schema_editor):
    SelectionCriterion = apps.get_model("mentors", "SelectionCriterion")
    SelectionCriterion.objects.filter(name=NAME, results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentors", "0004_wellbeing_hold_rtw_job_check_renewal"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_criterion, remove_criterion)]
