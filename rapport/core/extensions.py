"""Where feature apps plug into shared pages without editing them.

An app registers, in its ``AppConfig.ready()``:
- main navigation links (``register_nav``),
- panels on a person's or organisation's page, loaded lazily with HTMX from the
  app's own URL, which does its own access check (``register_panel``),
- small templates in the top bar, such as a notification bell (``register_topbar``).
The shared templates loop over what is registered, so apps stay independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Column = Literal["top", "side", "main"]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    # url names (without namespace) that mark this item as the current page
    active_prefix: str
    admin_only: bool = False
    managers_only: bool = False  # admins and managers


@dataclass(frozen=True)
class Panel:
    entity: str  # "person" or "organization"
    url_name: str  # reversed with the record's pk
    column: Column
    order: int
    dom_id: str


_NAV: list[NavItem] = []
_PANELS: list[Panel] = []
_TOPBAR: list[tuple[int, str]] = []


def register_nav(
    *,
    label: str,
    url_name: str,
    order: int,
    active_prefix: str = "",
    admin_only: bool = False,
    managers_only: bool = False,
) -> None:
    if not any(item.url_name == url_name for item in _NAV):
        prefix = active_prefix or url_name.split(":")[0]
        _NAV.append(NavItem(label, url_name, order, prefix, admin_only, managers_only))
        _NAV.sort(key=lambda item: item.order)


def register_panel(*, entity: str, url_name: str, column: Column, order: int, dom_id: str) -> None:
    if not any(p.entity == entity and p.url_name == url_name for p in _PANELS):
        _PANELS.append(Panel(entity, url_name, column, order, dom_id))
        _PANELS.sort(key=lambda p: p.order)


def register_topbar(*, template: str, order: int) -> None:
    if not any(t == template for _, t in _TOPBAR):
        _TOPBAR.append((order, template))
        _TOPBAR.sort()


def nav_items() -> list[NavItem]:
    return list(_NAV)


def panels_for(entity: str, column: Column) -> list[Panel]:
    return [p for p in _PANELS if p.entity == entity and p.column == column]


def topbar_templates() -> list[str]:
    return [t for _, t in _TOPBAR]
