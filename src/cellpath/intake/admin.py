"""Screening criteria are edited in the admin by installation administrators: data, not code.
Each save is validated by the screening engine and written to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from cellpath.accounts.audit import audited_delete, audited_save
from cellpath.intake.forms.criteria import CriterionAdminForm
from cellpath.intake.models import ScreeningCriterion


@admin.register(ScreeningCriterion)
class ScreeningCriterionAdmin(admin.ModelAdmin):
    form = CriterionAdminForm
    list_display = ("programme", "order", "__str__", "kind", "when_known")
    list_filter = ("programme",)
    ordering = ("programme", "order")

    def save_model(self, request: Any, obj: ScreeningCriterion, form: Any, change: bool) -> None:
        audited_save(obj, actor=request.user)

    def delete_model(self, request: Any, obj: ScreeningCriterion) -> None:
        audited_delete(obj, actor=request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # bulk deletes would bypass the audit log; edit or reorder instead
