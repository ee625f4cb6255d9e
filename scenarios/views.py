from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from scenarios.models import Scenario
from trainer.play.panels import start_panel


def published_with_counts():
    return Scenario.objects.published().with_point_counts()


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    scenarios = published_with_counts().in_arc_order()
    return render(request, "scenarios/catalog.html", {"scenarios": scenarios})


@never_cache  # it shows the trainee's own Resume button and results
@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = get_object_or_404(published_with_counts(), slug=slug)
    context = {"scenario": scenario, **start_panel(request, scenario)}
    return render(request, "scenarios/detail.html", context)
