"""A Django app for the event-dispatch crash test only (see test_events_crash.py): it adds a
slow after-commit consumer whose effect is one audit row per event it handled."""
