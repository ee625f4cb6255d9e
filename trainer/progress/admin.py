from __future__ import annotations

from django.contrib import admin

from trainer.progress.models import Cohort, Membership, OutboxStatement


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["facilitators"]
    exclude = ["members"]
    readonly_fields = ["tallies_stale"]
    inlines = [MembershipInline]


@admin.register(OutboxStatement)
class OutboxStatementAdmin(admin.ModelAdmin):
    """The xAPI outbox, to see what waits for the LRS and why; statements are not edited here."""

    list_display = ["id", "verb", "status", "tries", "next_attempt_at", "sent_at", "created_at"]
    list_filter = ["status", "verb"]
    readonly_fields = [field.name for field in OutboxStatement._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
