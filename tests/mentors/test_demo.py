"""The mentor step of `alongside demo`."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alongside.core.codes import classification
from alongside.core.vocabulary import MentorStatus
from alongside.demo.builder import demo_load
from alongside.mentors.models import Mentor, SupervisionSession, WellbeingCheckIn
from alongside.mentors.selectors import mentor_is_matchable


@pytest.mark.django_db
def test_demo_mentors_cover_the_programme_and_load_once() -> None:
    demo_load(log=lambda line: None)
    count = Mentor.objects.count()
    demo_load(log=lambda line: None)
    assert Mentor.objects.count() == count >= 30
    assert set(Mentor.objects.values_list("status", flat=True)) == set(MentorStatus.values)
    for slug in ("demo-melbourne", "demo-leeds"):
        mentors = Mentor.objects.filter(service__slug=slug).select_related("service")
        assert {m.injury_category for m in mentors} == {"sci", "tbi", "ortho", "amputation"}
        scheme = classification(mentors[0].service.occupation_classification)
        majors = {c for c, _ in scheme.list_codes("major group")}
        assert {scheme.major_group(m.occupation_code) for m in mentors} == majors
    today = timezone.localdate()
    assert Mentor.objects.filter(status="active", supervision_due_on__lt=today).exists()
    assert WellbeingCheckIn.objects.filter(flagged=True).exists()
    assert SupervisionSession.objects.exists()
    assert Mentor.objects.filter(
        status="active", checks_valid_until__lte=today + timezone.timedelta(days=30)
    ).exists()

    mina = Mentor.objects.get(user__email="mentor@demo.example")
    assert mina.service.slug == "demo-melbourne" and mina.status == "active"
    assert mina.supervisor.email == "therapist@demo.example"
    assert mentor_is_matchable(mina, today).matchable and mina.capacity_left > 0
    assert Mentor.objects.matchable(today).filter(pk=mina.pk).exists()
