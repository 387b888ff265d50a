from alongside.accounts.services import api_token_issue
from tests.access import LOGIN, Row, expect


def _therapist_token(world):
    if "token" not in world.objects:
        world.objects["token"], _ = api_token_issue(user=world.people["therapist"], name="matrix")
    return {"token_id": world.objects["token"].pk}


def _therapist_membership(world):
    membership = world.people["therapist"].memberships.get(service=world.home)
    return {"slug": world.home.slug, "membership_id": membership.pk}


ROWS = {
    "accounts:home": Row(expect(200, anonymous=LOGIN)),
    "accounts:login": Row(expect(302, anonymous=200)),  # signed-in people go home
    "accounts:logout": Row(expect(302), method="post", fresh_world=True),
    "accounts:password_change": Row(expect(200, anonymous=LOGIN)),
    "accounts:password_change_done": Row(expect(200, anonymous=LOGIN)),
    "accounts:password_reset": Row(expect(200)),
    "accounts:password_reset_done": Row(expect(200)),
    "accounts:password_reset_confirm": Row(
        expect(200), kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Row(expect(200)),
    "accounts:2fa_setup": Row(expect(200, anonymous=LOGIN)),
    "accounts:2fa_verify": Row(expect(200, anonymous=LOGIN)),
    "accounts:tokens": Row(expect(200, anonymous=LOGIN)),
    # Only the token's owner may revoke it; anyone else is told it does not exist.
    "accounts:token_revoke": Row(
        expect(404, anonymous=LOGIN, therapist=302),
        kwargs=_therapist_token,
        method="post",
        fresh_world=True,
    ),
    "accounts:people": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "accounts:membership_remove": Row(
        expect(404, anonymous=LOGIN, admin=302),
        kwargs=_therapist_membership,
        method="post",
        fresh_world=True,
    ),
}
