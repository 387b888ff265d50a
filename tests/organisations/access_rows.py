from tests.access import LOGIN, Row, expect

ROWS = {
    "organisations:list": Row(expect(404, anonymous=LOGIN, admin=200)),
    # Only a superuser (no persona is one) may create a service.
    "organisations:create": Row(expect(404, anonymous=LOGIN)),
    "organisations:settings": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "organisations:hub": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "organisations:closures": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    # Removing a day that is not the service's own is a 404 too; the manager is sent back.
    "organisations:closure_remove": Row(
        expect(404, anonymous=LOGIN, admin=302),
        kwargs=lambda world: {"slug": world.home.slug, "closure_id": home_closure(world).pk},
        method="post",
        data=lambda world: {},
        fresh_world=True,
    ),
}


def home_closure(world):
    import datetime as dt

    from alongside.organisations.models import ClosureDay

    return ClosureDay.objects.get_or_create(
        service=world.home, on=dt.date(2030, 12, 24), defaults={"reason": "Christmas"}
    )[0]
