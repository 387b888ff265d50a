"""Alongside: early intervention vocational rehabilitation with peer mentoring built in."""

__version__ = "0.1.0"
