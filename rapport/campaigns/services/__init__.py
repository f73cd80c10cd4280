"""Writes for e-mail and campaigns, one module per subject."""
