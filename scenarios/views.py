from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from scenarios.models import Scenario


def _published():
    return Scenario.objects.published().annotate(
        point_count=Count("decision_points", filter=Q(decision_points__active=True))
    )


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    scenarios = _published().in_arc_order()
    return render(request, "scenarios/catalog.html", {"scenarios": scenarios})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = get_object_or_404(_published(), slug=slug)
    return render(request, "scenarios/detail.html", {"scenario": scenario})
