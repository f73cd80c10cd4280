"""Merging two records into one, and undoing it."""

from rapport.dedupe.merge.services import merge_undo, organization_merge, person_merge

__all__ = ["merge_undo", "organization_merge", "person_merge"]
