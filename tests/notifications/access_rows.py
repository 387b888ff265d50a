from alongside.notifications.services import notify
from tests.access import LOGIN, Row, expect


def _therapist_notification(world):
    if "notification" not in world.objects:
        world.objects["notification"] = notify(
            recipient=world.people["therapist"],
            kind="test",
            event_key="matrix",
            subject="A test notification",
            service=world.home,
        )
    return {"notification_id": world.objects["notification"].pk}


ROWS = {
    "notifications:list": Row(expect(200, anonymous=LOGIN)),
    "notifications:preferences": Row(expect(200, anonymous=LOGIN)),
    "notifications:read_all": Row(expect(302), method="post", fresh_world=True),
    # Only the recipient may mark it read; anyone else is told it does not exist.
    "notifications:read": Row(
        expect(404, anonymous=LOGIN, therapist=302),
        kwargs=_therapist_notification,
        method="post",
        fresh_world=True,
    ),
    "api:notifications_list": Row(expect(200, anonymous=401), api=True),
}
