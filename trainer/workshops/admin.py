"""Workshops in the admin: for staff to look things up. Running a workshop happens on its
control screen, so state changes are not offered here."""

from __future__ import annotations

from django.contrib import admin

from trainer.workshops.models import Participant, Step, Workshop


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    fields = ("number", "decision_point", "opened_at", "revealed_at", "followed_option")
    readonly_fields = fields


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("__str__", "scenario", "facilitator", "status", "created_at", "ended_at")
    list_filter = ("status", "scenario")
    search_fields = ("code", "title", "facilitator__username")
    readonly_fields = ("code", "status", "current_step", "revision", "stage", "ended_at")
    inlines = [StepInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("display_name", "workshop", "user", "joined_at")
    search_fields = ("display_name", "workshop__code")
    raw_id_fields = ("workshop", "attempt", "user")
