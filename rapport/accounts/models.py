"""Users, teams, roles, the workspace's visibility setting and API tokens."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    REP = "rep", "Sales/service rep"
    VIEWER = "viewer", "Viewer"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private: reps see the records they own"
    TEAM = "team", "Team: reps see their own and their teams' records"
    EVERYONE = "everyone", "Everyone: reps see every record"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REP)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    class Meta:
        ordering = ["username"]

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """The user's teams, read once per request (the visibility filters use it)."""
        return frozenset(self.teams.values_list("id", flat=True))

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class WorkspaceSettings(models.Model):
    """A single row of workspace-wide settings."""

    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.TEAM
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Workspace settings (visibility: {self.visibility})"

    @classmethod
    def current(cls) -> WorkspaceSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ApiToken(models.Model):
    """A bearer token for scripts. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"
