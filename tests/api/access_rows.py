from tests.access import Row, expect

ROWS = {
    "api:api-root": Row(expect(404), api=True),  # /api/v1/ itself lists nothing
    "api:openapi-json": Row(expect(200), api=True),
    "api:openapi-view": Row(expect(200), api=True),
    "api:me": Row(expect(200, anonymous=401), api=True),
    "api:services": Row(expect(200, anonymous=401), api=True),
    "api:service_detail": Row(
        expect(200, anonymous=401, outsider=404),
        kwargs=lambda world: {"slug": world.home.slug},
        api=True,
    ),
}
