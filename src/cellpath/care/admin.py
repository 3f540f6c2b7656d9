"""Admin for care configuration only: follow-up plans. Patient data is never edited here (it
would bypass the audit log); it is reached through Cellpath's own pages."""

from django.contrib import admin

from cellpath.care.models import FollowUpPlan, PlanTimepoint


class PlanTimepointInline(admin.TabularInline):
    model = PlanTimepoint
    extra = 1


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(admin.ModelAdmin):
    """A programme's schedule of follow-up visits (new courses choose their plan)."""

    list_display = ["name", "is_default"]
    inlines = [PlanTimepointInline]
