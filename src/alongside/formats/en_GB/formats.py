"""British formats, with one change: a date *rendered into a form* is ISO.

Django renders a date field's value with the first of DATE_INPUT_FORMATS; for
en-GB that is "%d/%m/%Y", which an ``<input type="date">`` cannot read, so the
field shows empty and the first submit fails ("Start the match", issue 12).
ISO first fixes every date input at once; typed British dates still parse.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2006-10-25'
    "%d/%m/%Y",  # '25/10/2006'
    "%d/%m/%y",  # '25/10/06'
]

# One way to write a date and a time on every page (issue 12, plain words): "1 Dec 2026",
# "1 Dec 2026, 21:58", whether a template names a format or not.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
