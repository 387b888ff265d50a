from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from alongside.accounts import policy
from alongside.accounts.models import Membership, User
from alongside.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_adds_a_new_person_who_gets_a_set_password_link(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    client = world.client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:people", args=[world.home.slug]),
            {"email": "New.Therapist@Test.example", "full_name": "Nia New", "role": "therapist"},
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.therapist@test.example")
    assert not person.has_usable_password()
    assert policy.roles(person, world.home.pk) == {"therapist"}
    run_worker()
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="membership.grant", service_id=world.home.pk).exists()


def test_existing_person_gets_the_role_without_an_e_mail(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("admin").post(
            reverse("accounts:people", args=[world.home.slug]),
            {"email": "outsider@test.example", "full_name": "x", "role": "analyst"},
        )
    run_worker()
    assert mail.outbox == []
    assert policy.roles(world.people["outsider"], world.home.pk) == {"analyst"}


def test_bad_input_names_the_field_and_saves_nothing(world) -> None:
    before = Membership.objects.count()
    response = world.client_for("admin").post(
        reverse("accounts:people", args=[world.home.slug]),
        {"email": "not-an-address", "full_name": "", "role": "wizard"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"email", "full_name", "role"} <= set(errors)
    assert Membership.objects.count() == before


def test_admin_cannot_remove_their_own_admin_role(world) -> None:
    own = world.people["admin"].memberships.get(service=world.home)
    client = world.client_for("admin")
    response = client.post(
        reverse("accounts:membership_remove", args=[world.home.slug, own.pk]), follow=True
    )
    assert "cannot remove your own" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_people_page_lists_members_without_n_plus_one(world, django_assert_max_num_queries) -> None:
    client = world.client_for("admin")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:people", args=[world.home.slug]))
    assert "therapist@test.example" in page.content.decode()
    assert "outsider@test.example" not in page.content.decode()
