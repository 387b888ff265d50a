from tests.access import LOGIN, Row, expect

ROWS = {
    "organisations:list": Row(expect(404, anonymous=LOGIN, admin=200)),
    # Only a superuser (no persona is one) may create a service.
    "organisations:create": Row(expect(404, anonymous=LOGIN)),
    "organisations:settings": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
}
