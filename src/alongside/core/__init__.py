"""Pure domain logic for Alongside: matching, code sets, agreement, survival.

Nothing here imports Django. Functions take and return dataclasses, plain
Python values and NumPy arrays, so they can be tested in milliseconds and
reused from scripts, the web app and background tasks alike.
"""
