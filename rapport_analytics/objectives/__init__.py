"""Objectives: is an indicator on its way to a target by a deadline?"""

from rapport_analytics.objectives.progress import ObjectiveProgress, Point, objective_progress

__all__ = ["ObjectiveProgress", "Point", "objective_progress"]
