from tests.access import Row, expect

ROWS = {"healthz": Row(expect(200))}
