"""The demo has questionnaires at several time points, some items left out, some overdue,
and the demo patient has questionnaires to answer (the contract's demo sign-in)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from alongside.accounts.models import User
from alongside.organisations.models import Service
from alongside.outcomes import selectors
from alongside.outcomes.models import DueStatus, QuestionnaireDue, QuestionnaireResponse

pytestmark = pytest.mark.django_db


def test_demo_questionnaires_look_like_a_running_service() -> None:
    call_command("demo")
    call_command("demo")  # idempotent: nothing answered twice
    responses = QuestionnaireResponse.objects.all()
    assert responses.filter(prorated=True).exists() and responses.filter(valid=False).exists()
    assert responses.values("due__time_point__label").distinct().count() >= 3
    today = selectors.service_today(Service.objects.get(slug="demo-melbourne"))
    overdue = QuestionnaireDue.objects.filter(status=DueStatus.DUE, window_closes__lt=today)
    assert overdue.exists()
    assert not responses.values("due").annotate(n=Count("id")).filter(n__gt=1).exists()
    patient = User.objects.get(email="patient@demo.example")
    assert selectors.own_dues(patient).exists()
    rtw = selectors.service_rtw(Service.objects.get(slug="demo-melbourne"))
    assert rtw.returned >= 5 and rtw.curve is not None and rtw.curve.median is not None
