"""The REFI-QDA 1.0 schemas (MIT, REFI), shipped unchanged so exports are validated at run time.

A package of its own so setuptools ships the ``*.xsd`` files and
``importlib.resources`` can find them in an installed wheel.
"""
