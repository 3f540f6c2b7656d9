"""Admin pages for installation administrators: users, sites, memberships; audit log read-only."""

from django.contrib import admin
from django.http import HttpRequest

from cellpath.accounts.models import AuditEvent, Membership, Site, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_superuser", "is_demo", "last_login"]
    list_filter = ["is_active", "is_superuser", "is_demo", "memberships__role"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "is_staff", "is_superuser", "last_login"]
    readonly_fields = ["last_login"]
    inlines = [MembershipInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "city", "country"]
    search_fields = ["name", "code"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Browse only: nobody adds, changes or deletes audit rows (21 CFR 11.10(e))."""

    list_display = [
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_label",
        "site",
        "ip_address",
    ]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
