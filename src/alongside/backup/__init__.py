"""Whole-database logical backup and restore (`alongside backup` / `alongside restore`).

``manifest`` is pure (no Django): the canonical row form, checksums, comparisons.
``tables`` reads and writes every installed app's tables in that form;
``snapshot`` makes a backup, ``restore`` loads one. See docs/backup.md.
"""
