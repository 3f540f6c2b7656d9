"""Test factories. Audited records are created through their service functions."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from cellpath.accounts.models import Membership, Site, User
from cellpath.care.services import patient_create

PASSWORD = "correct horse battery staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"s{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def memberships(self, create: bool, extracted: list[tuple[Site, str]] | None, **_: Any) -> None:
        for site, role in extracted or []:
            Membership.objects.get_or_create(user=self, site=site, role=role)


def PatientFactory(
    *,
    site: Site,
    full_name: str = "Test Person",
    user: User | None = None,
    **fields: Any,
) -> Any:
    fields.setdefault("sex", "F")
    fields.setdefault("date_of_birth", date(1960, 5, 1))
    fields.setdefault("onset_date", date(2024, 3, 1))
    return patient_create(actor="test factory", site=site, full_name=full_name, user=user, **fields)
