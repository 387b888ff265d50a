"""One Settings hub for a service manager (issue 12 §4): every setting linked, in words,
and the hub reached from the manager's home page and navigation."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_hub_links_every_setting(world) -> None:
    client = world.client_for("admin")
    body = client.get(reverse("organisations:hub", args=[world.home.slug])).content.decode()
    slug, pk = world.home.slug, world.home.pk
    links = (
        ("Service details and targets", reverse("organisations:settings", args=[slug])),
        ("Closure days", reverse("organisations:closures", args=[slug])),
        ("People and roles", reverse("accounts:people", args=[slug])),
        ("Eligibility rules", reverse("patients:rules", args=[slug])),
        ("Selection criteria", reverse("mentors:criteria", args=[slug])),
        ("Training modules", reverse("mentors:modules", args=[slug])),
        ("Check renewal periods", reverse("mentors:renewals", args=[slug])),
        ("Matching weights", reverse("matches:weights", args=[slug])),
        ("Engagement", reverse("contacts:settings", args=[pk])),
        ("Your notifications", reverse("notifications:preferences")),
        ("Records past retention and erasure", reverse("privacy:erasures")),
    )
    for label, url in links:
        assert f'<a href="{url}">{label}</a>' in body
        assert client.get(url).status_code == 200, url  # and it opens for the manager


def test_the_managers_home_and_navigation_lead_to_the_hub(world) -> None:
    client = world.client_for("admin")
    hub = reverse("organisations:hub", args=[world.home.slug])
    home = client.get(reverse("accounts:home")).content.decode()
    assert f'<a href="{hub}">Settings for {world.home.name}</a>' in home
    listing = client.get(reverse("organisations:list")).content.decode()
    assert f'href="{hub}"' in listing
    assert ">Settings</a>" in home  # the navigation link


def test_settings_labels_are_words_not_field_names(world) -> None:
    client = world.client_for("admin")
    for url in (
        reverse("organisations:settings", args=[world.home.slug]),
        reverse("patients:rules", args=[world.home.slug]),
        reverse("mentors:criteria", args=[world.home.slug]),
        reverse("mentors:modules", args=[world.home.slug]),
    ):
        body = client.get(url).content.decode()
        labels = [part.split("<")[0].strip() for part in body.split("<label")[1:]]
        labels = [label.split(">", 1)[-1] for label in labels]
        for label in labels:
            assert "_" not in label, (url, label)
            assert label[:1].isupper() or not label, (url, label)
        for jargon in ("Min iss", "Max age", "Min age", "Icd10", "Slug"):
            assert jargon not in body, (url, jargon)


def test_the_country_is_chosen_by_name_and_shown_by_name(world) -> None:
    # It was a typed ISO code ("AU"), and the list of services showed the code.
    client = world.client_for("admin")
    settings = client.get(reverse("organisations:settings", args=[world.home.slug]))
    select = settings.content.decode().split('name="country"')[1].split("</select>")[0]
    assert '<option value="AU"' in select and ">Australia</option>" in select
    assert '<option value="GB"' in select and ">United Kingdom</option>" in select
    listing = client.get(reverse("organisations:list")).content.decode()
    assert world.home.country_name in listing and world.home.country_name != world.home.country
