"""Rapport's analytics engine: pure Python with numpy/scipy.

It never imports Django: it takes arrays and returns plain result objects, so it
can be tested without a database and used by analysts on files.
"""
