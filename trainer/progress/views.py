"""Learner progress (/me/) and cohorts (/cohorts/): thin views over stats, tallies, exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from scenarios.leadership import Miss
from scenarios.models import Scenario
from trainer import charts
from trainer.accounts.roles import is_facilitator
from trainer.htmx import HtmxHttpRequest, wants_fragment
from trainer.links import absolute_url
from trainer.play.models import Answer, Attempt, Mode
from trainer.play.scoring import Figures, adaptability_expression, counted
from trainer.progress import exports, privacy, stats, tallies
from trainer.progress.forms import (
    CohortForm,
    DeleteDataForm,
    LeadForm,
    PageForm,
    ScopeForm,
    WorkshopLinkForm,
)
from trainer.progress.models import Cohort, InviteError, LeadRefused, Membership
from trainer.progress.workshop_links import tied_workshops

ATTEMPTS_PER_PAGE = 10
MEMBERS_PER_PAGE = 25
TIMELINE_LENGTH = 20


def _style_chart(figures: stats.Figures) -> charts.BarChart:
    bars = [charts.Bar(r.code, r.name, r.count, r.share) for r in figures.style_rows()]
    return charts.bar_chart(bars, charts.BESIDE)


def _profile(attempts, answers) -> dict[str, object]:
    """The figures both /me/ and a member's page show: fixed queries, whatever the history."""
    figures, readiness = stats.learner_figures(answers)
    timeline = stats.last_finished(attempts, TIMELINE_LENGTH)
    return {
        "figures": figures,
        "primary_names": figures.primary_names,
        "readiness": readiness,
        "misjudged": stats.most_misjudged(readiness),
        "styles": _style_chart(figures),
        "timeline": timeline,
        "line": charts.line_chart(
            [(a.adaptability, a.finished_at.strftime("%d %b")) for a in timeline]
        ),
        "miss": Miss,
    }


def _scenario_completion(attempts) -> tuple[list[Scenario], int]:
    """Published scenarios with this learner's started/finished counts and best result."""
    best = (
        attempts.filter(scenario=OuterRef("pk"), finished_at__isnull=False)
        .order_by()
        .values("pk")
        .annotate(share=adaptability_expression())
        .order_by(F("share").desc(nulls_last=True))
        .values("share")[:1]
    )
    mine = Q(attempts__in=attempts.values("pk"))
    scenarios = (
        Scenario.objects.published()
        .annotate(
            started=Count("attempts", filter=mine),
            finished=Count("attempts", filter=mine & Q(attempts__finished_at__isnull=False)),
            best=Subquery(best),
        )
        .in_arc_order()
    )
    for scenario in scenarios:
        scenario.best_share = round(scenario.best) if scenario.best is not None else None
    return scenarios, sum(1 for s in scenarios if s.finished)


# The learner --------------------------------------------------------------------------


@login_required
@require_GET
@vary_on_headers("HX-Request")
def me(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    attempts = Attempt.objects.filter(user=user)
    page = Paginator(
        stats.scored_attempts(attempts.exclude(mode=Mode.WORKSHOP)).order_by("-started_at"),
        ATTEMPTS_PER_PAGE,
    ).get_page(PageForm(request.GET).page_number())
    page.object_list = stats.with_shares(page.object_list)
    context = {
        "page": page,
        "attempts_total": page.paginator.count,
        **_profile(attempts, Answer.objects.filter(attempt__user=user)),
    }
    if wants_fragment(request):
        return render(request, "progress/me.html#attempts", context)
    scenarios, finished = _scenario_completion(attempts)
    context.update(
        scenarios=scenarios,
        scenarios_finished=finished,
        workshop_sessions=stats.with_shares(
            stats.scored_attempts(attempts.filter(mode=Mode.WORKSHOP))
            .select_related("workshop_participant__workshop__scenario")
            .order_by("-started_at")[:20]
        ),
        cohorts=user.cohorts.order_by("name"),
    )
    return render(request, "progress/me.html", context)


@login_required
@require_GET
def me_csv(request: HtmxHttpRequest):
    answers = Answer.objects.filter(attempt__user=request.user)
    return exports.answers_csv(
        answers, exports.filename("golden-hour", request.user.get_username(), extension="csv")
    )


@login_required
@require_GET
def me_json(request: HtmxHttpRequest):
    user = request.user
    cohorts = user.cohorts.values("name", "memberships__joined_at").filter(memberships__user=user)
    return exports.streamed(
        exports.learner_json(
            user,
            Answer.objects.filter(attempt__user=user),
            Attempt.objects.filter(user=user),
            ({"name": c["name"], "joined_at": c["memberships__joined_at"]} for c in cohorts),
        ),
        "application/json; charset=utf-8",
        exports.filename("golden-hour", user.get_username(), extension="json"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_delete(request: HtmxHttpRequest) -> HttpResponse:
    form = DeleteDataForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        removed = privacy.delete_learner_data(request.user)
        messages.success(
            request,
            f"Deleted {removed.attempts} attempt{'s' if removed.attempts != 1 else ''} and "
            f"{removed.answers} answer{'s' if removed.answers != 1 else ''}. "
            "Your account is still here if you want to start again.",
        )
        return redirect("progress:me")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "progress/delete.html",
        {"form": form, "summary": privacy.summary(request.user)},
        status=status,
    )


# Cohorts ------------------------------------------------------------------------------


def _cohort_for(request: HtmxHttpRequest, pk: int) -> Cohort:
    """The cohort if this user leads it (or is staff); 404 for everyone else."""
    return get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)


def _require_facilitator(request: HtmxHttpRequest) -> None:
    if not is_facilitator(request.user):
        raise Http404("Only facilitators have cohorts.")


@login_required
@require_http_methods(["GET", "POST"])
def cohort_list(request: HtmxHttpRequest) -> HttpResponse:
    _require_facilitator(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            cohort = form.save(commit=False)
            cohort.created_by = request.user
            cohort.save()
            cohort.facilitators.add(request.user)
        messages.success(
            request, f"Cohort “{cohort.name}” is ready. Share its invitation link below."
        )
        return redirect(cohort)
    cohorts = (
        Cohort.objects.visible_to(request.user)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )
    return render(
        request,
        "progress/cohorts.html",
        {"form": form, "cohorts": cohorts},
        status=400 if form.errors else 200,
    )


def _matrix(cohort: Cohort, scope: stats.Scope, members: list[Membership], scenarios) -> list:
    """Each member on this page, with their figures and one cell per scenario."""
    ids = [m.user_id for m in members]
    per_member = {
        row["attempt__user_id"]: row
        for row in scope.answers(Answer.objects.filter(attempt__user_id__in=ids))
        .values("attempt__user_id")
        .annotate(**counted())
        .order_by()
    }
    cells = {
        (row["user_id"], row["scenario_id"]): row
        for row in stats.finished_per_scenario(
            scope.attempts(Attempt.objects.filter(user_id__in=ids))
        ).values("user_id", "scenario_id", "started", "finished")
    }
    rows = []
    for membership in members:
        rows.append(
            {
                "membership": membership,
                "user": membership.user,
                "figures": Figures.of(per_member.get(membership.user_id)),
                "cells": [
                    cells.get((membership.user_id, s.pk), {"started": 0, "finished": 0})
                    for s in scenarios
                ],
            }
        )
    return rows


def _completion(cohort: Cohort, scope: stats.Scope, scenarios) -> list[dict[str, object]]:
    """Per scenario: how many members started it and how many finished it."""
    members = Membership.objects.filter(cohort=cohort).values("user_id")
    counts = {
        row["scenario_id"]: row
        for row in scope.attempts(Attempt.objects.filter(user_id__in=members))
        .values("scenario_id")
        .annotate(
            starters=Count("user_id", distinct=True),
            finishers=Count("user_id", filter=Q(finished_at__isnull=False), distinct=True),
        )
        .order_by()
    }
    return [{"scenario": s, **counts.get(s.pk, {"starters": 0, "finishers": 0})} for s in scenarios]


@login_required
@require_GET
@vary_on_headers("HX-Request")
def cohort_dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    if cohort.tallies_stale:
        tallies.rebuild(cohort)
    form = ScopeForm(request.GET)
    scope = stats.Scope(**form.filters())
    rows = scope.tallies(cohort)
    figures = stats.cohort_figures(rows)
    readiness = stats.cohort_readiness(rows)
    published = Scenario.objects.published().in_arc_order()
    scenarios = [scope.scenario] if scope.scenario is not None else published
    members = cohort.memberships.select_related("user").order_by("user__username", "pk")
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(form.page_number())
    context = {
        "cohort": cohort,
        "form": form,
        "scope": scope,
        "figures": figures,
        "readiness": readiness,
        "misjudged": stats.most_misjudged(readiness),
        "styles": _style_chart(figures),
        "hardest": stats.hardest_points(rows),
        "scenarios": scenarios,
        "completion": _completion(cohort, scope, scenarios),
        "page": page,
        "matrix": _matrix(cohort, scope, list(page.object_list), scenarios),
        "miss": Miss,
    }
    if wants_fragment(request):
        return render(request, "progress/cohort.html#results", context)
    context.update(
        invite_url=absolute_url(request, cohort.invite_path()),
        invite_expires=cohort.invite_expires_at(),
        facilitators=cohort.facilitators.order_by("username"),
        lead_url=absolute_url(request, cohort.lead_path()),
        workshops=tied_workshops(cohort),
        workshop_form=WorkshopLinkForm(cohort, request.user),
    )
    return render(request, "progress/cohort.html", context)


@login_required
@require_POST
def cohort_invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    cohort.renew_invite()
    messages.success(
        request, "The old invitation link no longer works. Share the new one below.", "at-invite"
    )
    return redirect(reverse("progress:cohort", args=[cohort.pk]) + "#invite")


@login_required
@require_POST
def cohort_facilitator(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Withdraw the co-lead link, or take a lead off the cohort (yourself included)."""
    cohort = _cohort_for(request, pk)
    form = LeadForm(cohort, request.POST)
    back = redirect(reverse("progress:cohort", args=[cohort.pk]) + "#leads")
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error), "at-leads")
        return back
    if form.cleaned_data["action"] == LeadForm.RENEW:
        cohort.renew_lead_invite()
        messages.success(
            request, "The old link for co-leads no longer works. Here is a new one.", "at-leads"
        )
        return back
    lead = form.cleaned_data["lead"]
    try:
        cohort.stop_leading(lead)
    except LeadRefused as refused:
        messages.error(request, refused.message, "at-leads")
        return back
    if lead == request.user:
        messages.success(request, f"You no longer lead “{cohort.name}”.")
        return redirect("progress:cohorts")
    messages.success(request, f"{lead.get_username()} no longer leads this cohort.", "at-leads")
    return back


@require_http_methods(["GET", "POST"])
def lead(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A facilitator invited to lead a cohort too: say what it means; accept on POST."""
    try:
        cohort = Cohort.from_invite(token, lead=True)
    except InviteError as problem:
        status = 410 if problem.code in {"expired", "withdrawn", "gone"} else 400
        return render(request, "progress/lead.html", {"problem": problem}, status=status)
    context = {"cohort": cohort, "leads": cohort.facilitators.order_by("username")}
    if not request.user.is_authenticated:
        return render(request, "progress/lead.html", context)
    if cohort.facilitators.filter(pk=request.user.pk).exists():
        return redirect(cohort)
    if not is_facilitator(request.user):
        context["not_facilitator"] = True
        return render(request, "progress/lead.html", context, status=403)
    if request.method == "POST":
        cohort.facilitators.add(request.user)
        messages.success(request, f"You now lead “{cohort.name}” too.")
        return redirect(cohort)
    return render(request, "progress/lead.html", context)


@login_required
@require_POST
def cohort_workshop(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    form = WorkshopLinkForm(cohort, request.user, request.POST)
    if form.is_valid():
        messages.success(request, form.save(request.user), "at-workshops")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error, "at-workshops")
    return redirect(reverse("progress:cohort", args=[cohort.pk]) + "#workshops")


def _member_for(cohort: Cohort, user_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), cohort=cohort, user_id=user_id
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def cohort_member(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    membership = _member_for(cohort, user_id)
    form = ScopeForm(request.GET)
    scope = stats.Scope(**form.filters())
    attempts = scope.attempts(Attempt.objects.filter(user_id=user_id))
    answers = scope.answers(Answer.objects.filter(attempt__user_id=user_id))
    page = Paginator(
        stats.scored_attempts(attempts).order_by("-started_at"), ATTEMPTS_PER_PAGE
    ).get_page(form.page_number())
    page.object_list = stats.with_shares(page.object_list)
    context = {
        "cohort": cohort,
        "membership": membership,
        "member": membership.user,
        "form": form,
        "scope": scope,
        "page": page,
        "attempts_total": page.paginator.count,
        **_profile(attempts, answers),
    }
    if wants_fragment(request):
        return render(request, "progress/member.html#attempts", context)
    scenarios, finished = _scenario_completion(Attempt.objects.filter(user_id=user_id))
    context.update(scenarios=scenarios, scenarios_finished=finished)
    return render(request, "progress/member.html", context)


@login_required
@require_POST
def cohort_member_remove(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = _cohort_for(request, pk)
    membership = _member_for(cohort, user_id)
    with transaction.atomic():
        tallies.remove_member(cohort, membership.user)
        membership.delete()
    messages.success(
        request,
        f"{membership.user.get_username()} left the cohort; their answers no longer count here.",
    )
    return redirect("progress:cohort", pk=cohort.pk)


def _export_scope(request: HtmxHttpRequest, cohort: Cohort):
    form = ScopeForm(request.GET)
    if not form.is_valid():
        raise Http404("Those export filters are not valid.")
    scope = stats.Scope(**form.filters())
    attempts = scope.attempts(tallies.cohort_attempts(cohort))
    answers = scope.answers(tallies.cohort_answers(cohort))
    return scope, attempts, answers


@login_required
@require_GET
def cohort_csv(request: HtmxHttpRequest, pk: int):
    cohort = _cohort_for(request, pk)
    scope, _, answers = _export_scope(request, cohort)
    name = exports.filename(
        cohort.name, scope.scenario.slug if scope.scenario else "", "answers", extension="csv"
    )
    return exports.answers_csv(answers, name, _members(cohort))


def _members(cohort: Cohort) -> frozenset[int]:
    return frozenset(Membership.objects.filter(cohort=cohort).values_list("user_id", flat=True))


@login_required
@require_GET
def cohort_xapi(request: HtmxHttpRequest, pk: int):
    cohort = _cohort_for(request, pk)
    scope, attempts, answers = _export_scope(request, cohort)
    name = exports.filename(
        cohort.name, scope.scenario.slug if scope.scenario else "", "xapi", extension="json"
    )
    return exports.xapi_json(answers, attempts, name, _members(cohort))


# Joining by invitation ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Show who invites and what joining shares; join on POST (a button, not a bare GET)."""
    try:
        cohort = Cohort.from_invite(token)
    except InviteError as problem:
        return render(
            request,
            "progress/join.html",
            {"problem": problem},
            status=410 if problem.code in {"expired", "withdrawn", "gone"} else 400,
        )
    if not request.user.is_authenticated:
        return render(request, "progress/join.html", {"cohort": cohort, "token": token})
    member = Membership.objects.filter(cohort=cohort, user=request.user).exists()
    if request.method == "POST" and not member:
        try:
            with transaction.atomic():
                Membership.objects.create(cohort=cohort, user=request.user)
                tallies.add_member(cohort, request.user)
        except IntegrityError:  # a double click: the first one joined
            pass
        messages.success(
            request,
            f"You joined “{cohort.name}”. Its training leads can now follow your progress.",
        )
        return redirect("progress:me")
    return render(
        request,
        "progress/join.html",
        {"cohort": cohort, "token": token, "member": member, "now": timezone.now()},
    )
