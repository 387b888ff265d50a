from tests.access import LOGIN, Row, expect

ROWS = {
    "organisations:list": Row(expect(404, anonymous=LOGIN, admin=200)),
    "organisations:settings": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
}
