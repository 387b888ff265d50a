"""The demo study: the paper's groups counted from the records, blinded parallel coding,
three themes, and loading twice changes nothing."""

from __future__ import annotations

import random

import pytest

from alongside.evaluation import analysis, refi_qda, selectors
from alongside.evaluation.demo import SLUG, load
from alongside.evaluation.models import CodedSpan, Study, Theme

pytestmark = pytest.mark.django_db


def _context():
    from alongside.demo.builder import ACCOUNTS, SERVICES, DemoContext, _account, _service

    services = {spec["slug"]: _service(spec) for spec in SERVICES}
    users = {email: _account(email, name, grants, services) for email, name, grants in ACCOUNTS}
    return DemoContext(services=services, users=users, rng=random.Random(1), log=lambda _: None)


def test_the_demo_study_is_built_once_and_reads_like_the_paper() -> None:
    ctx = _context()
    load(ctx)
    load(ctx)
    study = Study.objects.get(slug=SLUG)
    counts = {label: active for label, active, _ in selectors.group_counts(study)}
    assert counts == {"Peer mentor": 4, "Therapist": 3, "Patient": 13, "Other": 0}
    assert set(Theme.objects.filter(study=study).values_list("name", flat=True)) == {
        "The value of peer input",
        "Facilitators",
        "Challenges",
    }
    lead = ctx.users["analyst@demo.example"]
    assert selectors.is_lead(lead, study)
    assert study.blinded
    coders = set(
        CodedSpan.objects.filter(transcript__study=study).values_list("coder_name", flat=True)
    )
    assert len(coders) == 2
    result = analysis.study_agreement(lead, study, "sentence")
    assert result["transcripts"] == 3
    overall = result["rows"][-1]
    assert overall["overall"] and 0 < overall["percent"] < 100
    assert refi_qda.study_qdpx(lead, study)[:2] == b"PK"


def test_after_a_reset_the_study_is_rebuilt_with_its_team() -> None:
    from alongside.accounts.models import User

    load(_context())
    User.objects.filter(email__endswith="@demo.example").delete()  # what --reset does
    ctx = _context()
    load(ctx)
    study = Study.objects.get(slug=SLUG)
    assert selectors.is_lead(ctx.users["analyst@demo.example"], study)
    assert Study.objects.count() == 1
