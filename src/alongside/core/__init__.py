"""Pure domain logic for Alongside: matching, code sets, agreement, survival.

Nothing here imports Django. Functions take and return dataclasses, plain
Python values and NumPy arrays, so they can be tested in milliseconds and
reused from scripts, the web app and background tasks alike.
"""


class NotFound(LookupError):
    """What the caller asked for does not exist *for them* (out of scope reads the same).

    Services, selectors and policy raise it instead of ``django.http.Http404``,
    so the rule "out of scope is 404, never 403" is stated in domain terms and
    core code may raise it too. One middleware (``config.middleware``) turns it
    into the 404 page, and one API handler (``api.problems``) into the 404
    problem document; both answer exactly as ``Http404`` does.
    """

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class FieldProblem(ValueError):
    """A value refused by a core rule, naming the field it belongs to.

    Core validators that check more than one field raise it, so the service that turns
    it into a ``ValidationError`` keyed by field reads ``field`` instead of searching the
    message for a word. A ``ValueError``, so callers that only want the message still
    catch it as one.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
