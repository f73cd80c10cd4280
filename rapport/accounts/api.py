"""/me, /teams and /users: who is who in the workspace (read only)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from rapport.accounts.access import can_write
from rapport.accounts.models import Role, Team, User, Visibility, WorkspaceSettings
from rapport.api.auth import current_user
from rapport.api.responses import error_responses
from rapport.core.errors import NotFound

router = Router(tags=["users and teams"])

ERRORS = error_responses(401, 404, 429)  # reads without a body, open to every role


class TeamRef(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: Role
    is_active: bool
    teams: list[TeamRef]

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.display_name

    @staticmethod
    def resolve_teams(obj: User) -> list[Team]:
        return list(obj.teams.all())


class MeOut(UserOut):
    email: str
    first_name: str
    last_name: str
    can_write: bool
    is_admin: bool
    workspace_visibility: Visibility

    @staticmethod
    def resolve_can_write(obj: User) -> bool:
        return can_write(obj)

    @staticmethod
    def resolve_workspace_visibility(obj: User) -> str:
        return WorkspaceSettings.current().visibility


class UserPage(Schema):
    results: list[UserOut]
    next: str | None = None


class TeamOut(Schema):
    id: int
    name: str
    member_ids: list[int]

    @staticmethod
    def resolve_member_ids(obj: Team) -> list[int]:
        return [member.pk for member in obj.members.all()]


class TeamPage(Schema):
    results: list[TeamOut]
    next: str | None = None


def _users() -> QuerySet[User]:
    return User.objects.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))


def _teams() -> QuerySet[Team]:
    return Team.objects.prefetch_related(
        Prefetch("members", queryset=User.objects.only("id").order_by("id"))
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The calling user")
def me(request: HttpRequest) -> User:
    return _users().get(pk=current_user(request).pk)


@router.get("/users", response={200: UserPage, **ERRORS}, summary="List users")
def list_users(request: HttpRequest) -> dict[str, object]:
    """Every user of the workspace, by user name (one page: workspaces have few users)."""
    current_user(request)
    return {"results": list(_users()), "next": None}


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="Get a user")
def get_user(request: HttpRequest, user_id: int) -> User:
    current_user(request)
    user = _users().filter(pk=user_id).first()
    if user is None:
        raise NotFound("No user with that id.")
    return user


@router.get("/teams", response={200: TeamPage, **ERRORS}, summary="List teams")
def list_teams(request: HttpRequest) -> dict[str, object]:
    current_user(request)
    return {"results": list(_teams()), "next": None}


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS}, summary="Get a team")
def get_team(request: HttpRequest, team_id: int) -> Team:
    current_user(request)
    team = _teams().filter(pk=team_id).first()
    if team is None:
        raise NotFound("No team with that id.")
    return team
