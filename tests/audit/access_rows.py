from tests.access import LOGIN, Row, expect

ROWS = {"audit:list": Row(expect(404, anonymous=LOGIN, admin=200))}
