"""Authoring in the admin: a scenario with its decision points, and a point with its options.

The same rules as the YAML validator hold: saving content that breaks them shows the
problem and saves nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from scenarios.leadership import Style
from scenarios.models import DecisionPoint, Option, Scenario


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
    readonly_fields = ("content_version", "updated_at")
    inlines = [DecisionPointInline]


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
    fields = ("order", "style", "text", "points", "feedback", "next_point")
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
