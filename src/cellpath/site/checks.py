"""Deployment checks (`cellpath check --deploy`): no demo accounts in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_demo_accounts_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    from cellpath.accounts.models import User

    try:
        demo = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:
        return []
    if demo:
        return [
            Error(
                f"{demo} demo account(s) with well-known passwords exist in production.",
                hint='Deactivate them: cellpath shell -c "from cellpath.accounts.models import '
                'User; User.objects.filter(is_demo=True).update(is_active=False)"',
                id="cellpath.E001",
            )
        ]
    return []
