from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema

from alongside.accounts import policy
from alongside.api import pagination
from alongside.organisations.models import Service
from alongside.organisations.selectors import service_for_or_404, services_visible_to

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    service: str
    role: str


class MeOut(Schema):
    email: str
    name: str
    roles: list[str]
    memberships: list[MembershipOut]


class ServiceOut(Schema):
    slug: str
    name: str
    country: str
    occupation_classification: str
    time_zone: str


@router.get("/me", response=MeOut, summary="The person this token belongs to")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    memberships = [
        MembershipOut(service=m.service.slug, role=m.role)
        for m in user.memberships.select_related("service")  # type: ignore[union-attr]
    ]
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        name=user.display_name,  # type: ignore[union-attr]
        roles=policy.role_list(user),
        memberships=memberships,
    )


@router.get(
    "/services",
    response=pagination.page_of(ServiceOut),
    summary="Services the caller belongs to",
)
def services(
    request: HttpRequest, response: HttpResponse, page: Query[pagination.PageIn]
) -> dict[str, object]:
    return pagination.paginate(
        request,
        response,
        services_visible_to(request.user),
        page,
        op="services",
        out=ServiceOut.from_orm,
    )


@router.get("/services/{slug}", response=ServiceOut, summary="One service")
def service_detail(request: HttpRequest, slug: str = Path(..., max_length=60)) -> Service:
    return service_for_or_404(request.user, slug)
