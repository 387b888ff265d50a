"""How much free text one box takes, in characters.

One place for the models (a ``TextField``'s ``max_length``, which Django's
forms turn into the rendered ``maxlength`` and a clear error), the plain forms
and the API schemas, so a page and its API twin refuse the same input. Each
size is generous for what the box is for, and small enough that a pasted
document or a flood of text is refused rather than stored, listed and exported.
"""

from __future__ import annotations

REASON = 500  # why a referral was declined, a mentor paused, a match ended
NOTE = 2_000  # a comment, a description, a survey answer, a note on a decision
NARRATIVE = 4_000  # a reflection, a concern, a meeting summary, a return-to-work story
SEARCH = 200  # what someone types into a search box
LIST_ITEM = 100  # one value of a list (a topic, a language, an ICD-10 code)
LIST_ITEMS = 30  # how many values a list takes
LIST_TEXT = 1_000  # a list typed into one box, comma-separated
# The furthest an API list may be skipped into: beyond any real list, and small enough
# for every database's OFFSET (a 10^25 offset overflowed SQLite's integer: a 500).
LIST_OFFSET = 10_000_000
