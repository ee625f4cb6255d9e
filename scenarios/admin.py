"""Authoring in the admin: a scenario with its decision points, and a point with its options.

The same rules as the YAML validator hold: saving content that breaks them shows the
problem and saves nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from scenarios import reading
from scenarios.leadership import Style
from scenarios.models import DecisionPoint, Option, Scenario

# The fields of deeper scenarios are checked against each other and against the options
# (conditions set here and read there, a team's labels in the best fit's feedback), which only
# the YAML validator sees whole: the admin shows them and the file is where they change.
YAML_ONLY = "Edit in the scenario's YAML file: the validator checks these fields together."


def _json(value: Any) -> str:
    if not value:
        return "-"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


class DecisionPointInline(admin.TabularInline):
    model = DecisionPoint
    fields = ("order", "key", "moment", "readiness", "active")
    extra = 0
    show_change_link = True
    ordering = ("order",)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "phase", "minutes", "published", "content_version")
    list_filter = ("phase", "published")
    search_fields = ("title", "slug", "summary")
    readonly_fields = ("content_version", "updated_at", "conditions_shown", "endings_shown")
    exclude = ("conditions", "endings")
    inlines = [DecisionPointInline]

    @admin.display(description="conditions")
    def conditions_shown(self, scenario: Scenario) -> str:
        return _json(scenario.conditions)

    @admin.display(description="endings")
    def endings_shown(self, scenario: Scenario) -> str:
        return _json(scenario.endings)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        shown = ("conditions_shown", "endings_shown")
        main = [name for name in fieldsets[0][1]["fields"] if name not in shown]
        return [
            (None, {"fields": main}),
            ("Conditions and endings", {"fields": shown, "description": YAML_ONLY}),
        ]


class OptionFormSet(BaseInlineFormSet):
    """Four options, one per style, exactly one best fit, branches inside the scenario."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        styles = sorted(data["style"] for data in kept)
        if styles != sorted(Style.values):
            raise forms.ValidationError(
                "A decision point needs exactly four options, one for each style S1-S4."
            )
        best = [data for data in kept if data["points"] == 2]
        if len(best) != 1:
            raise forms.ValidationError("Exactly one option must have 2 points: the best fit.")
        load = reading.load_of(data["text"] for data in kept)
        if self.instance.time_budget < load:
            raise forms.ValidationError(
                f"The time budget, {self.instance.time_budget} s, is below the reading load of "
                f"these options, {load} s (two words a second, plus 20 s to decide)."
            )
        for data in kept:
            target = data.get("next_point")
            if target is not None and target.scenario_id != self.instance.scenario_id:
                raise forms.ValidationError(
                    f"The {data['style']} option leads to a point of another scenario."
                )
            if target is not None and target.pk == self.instance.pk:
                raise forms.ValidationError(
                    f"The {data['style']} option leads back to this same point."
                )


class OptionInline(admin.StackedInline):
    model = Option
    formset = OptionFormSet
    fk_name = "decision_point"
    fields = ("order", "style", "text", "points", "feedback", "next_point", "sets")
    readonly_fields = ("sets",)
    extra = 0
    min_num = 4
    max_num = 4

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "next_point":
            point_id = request.resolver_match.kwargs.get("object_id")
            point = DecisionPoint.objects.filter(pk=point_id).first() if point_id else None
            queryset = DecisionPoint.objects.filter(active=True)
            if point is not None:
                queryset = queryset.filter(scenario=point.scenario_id).exclude(pk=point.pk)
            kwargs["queryset"] = queryset.order_by("order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DecisionPoint)
class DecisionPointAdmin(admin.ModelAdmin):
    list_display = ("__str__", "order", "moment", "readiness", "provenance", "active")
    list_filter = ("scenario__phase", "scenario", "readiness", "provenance", "active")
    search_fields = ("key", "narrative", "moment", "scenario__title")
    list_select_related = ("scenario",)
    inlines = [OptionInline]
    DEEPER = ("phase", "breaks_pattern", "team", "hard_call", "rule_stop", "if_set", "routes")
    exclude = DEEPER
    readonly_fields = tuple(f"{name}_shown" for name in DEEPER)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        main = [name for name in fieldsets[0][1]["fields"] if name not in self.readonly_fields]
        return [
            (None, {"fields": main}),
            ("Deeper scenario", {"fields": self.readonly_fields, "description": YAML_ONLY}),
        ]

    @admin.display(description="phase")
    def phase_shown(self, point: DecisionPoint) -> str:
        return point.phase or "-"

    @admin.display(description="breaks the pattern")
    def breaks_pattern_shown(self, point: DecisionPoint) -> str:
        return point.breaks_pattern or "-"

    @admin.display(description="mixed-readiness team")
    def team_shown(self, point: DecisionPoint) -> str:
        return _json(point.team)

    @admin.display(description="hard call")
    def hard_call_shown(self, point: DecisionPoint) -> str:
        return _json(point.hard_call)

    @admin.display(description="rule stop")
    def rule_stop_shown(self, point: DecisionPoint) -> str:
        return _json(point.rule_stop)

    @admin.display(description="text when a condition is set")
    def if_set_shown(self, point: DecisionPoint) -> str:
        return _json(point.if_set)

    @admin.display(description="routes")
    def routes_shown(self, point: DecisionPoint) -> str:
        return _json(point.routes)
