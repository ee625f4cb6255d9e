"""The self-paced journey: the catalog, a scenario's page, start, (in Golden Hour mode, read
the situation and turn to the choices), decide, read the feedback, continue, debrief.

Views stay thin: the rules are ``Attempt.check_answerable``, ``Attempt.record_answer`` and
``Attempt.advance``; the words are in ``feedback``; the figures in ``scoring``.
Every form posts and redirects without JavaScript; with htmx the answer form swaps the
feedback in place and the navigating POSTs answer with ``HX-Redirect``.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from scenarios import guides
from scenarios.cache import ordered_options, point_with_options
from scenarios.leadership import (
    BEHAVIOUR,
    POINTS,
    READINESS_PLAIN,
    STYLE_PLAIN,
    Readiness,
    Style,
    best_style,
)
from scenarios.models import DecisionPoint, Option, Scenario
from scenarios.order import shown_order
from trainer.accounts.roles import is_facilitator
from trainer.htmx import HtmxHttpRequest, wants_fragment
from trainer.play.debrief import debrief_for
from trainer.play.feedback import feedback_for
from trainer.play.forms import AnswerForm, StartForm, posted_point_key
from trainer.play.guests import guest_token, owns
from trainer.play.guidebook import guide_page
from trainer.play.models import Answer, AnswerRefused, Attempt, Mode
from trainer.play.panels import start_panel


def _attempt_for(request: HtmxHttpRequest, attempt_id: UUID, *related: str) -> Attempt:
    """The requester's own self-paced attempt (with ``related`` joined), or 404 for anyone else's.

    Found by its key alone, then checked: the simplest query is the quickest, and anyone
    else's attempt gets the same 404 as one that does not exist.
    """
    try:
        attempt = Attempt.objects.select_related("current_point", *related).get(pk=attempt_id)
    except Attempt.DoesNotExist:
        attempt = None
    if attempt is None or attempt.mode == Mode.WORKSHOP or not owns(request, attempt):
        raise Http404("There is no attempt at this address for you.")
    return attempt


def _attempt_with_point(request: HtmxHttpRequest, attempt_id: UUID) -> Attempt:
    """Like ``_attempt_for``, with the current point and its options (``current_options``)
    taken from the per-process content cache: one query on the usual path."""
    attempt = Attempt.objects.stamped(attempt_id)
    if attempt is None or attempt.mode == Mode.WORKSHOP or not owns(request, attempt):
        raise Http404("There is no attempt at this address for you.")
    attempt.current_options = []
    if attempt.current_point_id is not None:
        point, attempt.current_options = point_with_options(
            attempt.current_point_id, attempt.content_stamp
        )
        attempt.current_point = point
    return attempt


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _navigate(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Go to ``url``: a 303 after a plain POST, HX-Redirect after an htmx one."""
    if wants_fragment(request):
        return HttpResponseClientRedirect(url)
    return _see_other(url)


def _decision_context(
    attempt: Attempt,
    point: DecisionPoint,
    options: list[Option],
    *,
    form: AnswerForm | None = None,
    answer: Answer | None = None,
    already_answered: bool = False,
    turned: bool = False,
) -> dict:
    feedback = (
        feedback_for(answer, point, options, timed=attempt.is_timed, conditions=attempt.conditions)
        if answer
        else None
    )
    return {
        "attempt": attempt,
        # Lazy, like "total": the feedback fragment needs neither, the full page both.
        "scenario": lambda: attempt.scenario,
        "point": point,
        "number": answer.sequence if answer else attempt.decision_number,
        "form": form,
        "answer": answer,
        "fb": feedback,
        "already_answered": already_answered,
        # Golden Hour, before its clock: the situation, and "Turn to the choices".
        "reading": answer is None and attempt.reading_first,
        "turned": turned,  # the choices just swapped in: the focus moves to them
        "seconds_left": attempt.seconds_left() if answer is None else None,
        "total": lambda: attempt.scenario.decision_points.filter(active=True).count(),
    }


def _refused(request: HtmxHttpRequest, attempt: Attempt, refusal: AnswerRefused) -> HttpResponse:
    """Nothing was written: say why, and show where the attempt really is."""
    messages.error(request, refusal.message)
    return _navigate(request, attempt.get_absolute_url())


def _answered_before(
    request: HtmxHttpRequest, attempt: Attempt, answer: Answer, point: DecisionPoint
) -> HttpResponse:
    """A second answer to a decision: the first one stands, and this response shows it."""
    context = _decision_context(
        attempt, point, ordered_options(point), answer=answer, already_answered=True
    )
    if wants_fragment(request):
        return render(request, "play/decision.html#feedback", context)
    return render(request, "play/decision.html", context, status=409)


# The catalog and a scenario's page -------------------------------------------------------


@require_GET
def catalog(request: HtmxHttpRequest) -> HttpResponse:
    scenarios = Scenario.objects.published().with_point_counts().in_arc_order()
    return render(request, "play/catalog.html", {"scenarios": scenarios})


@never_cache  # it shows the trainee's own Resume button and results
@require_GET
def scenario(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _scenario_page(request, slug)


def _scenario_page(
    request: HtmxHttpRequest, slug: str, form: StartForm | None = None, status: int = 200
) -> HttpResponse:
    """A scenario's overview with its Start panel (and the start form's errors, if any)."""
    scenario = get_object_or_404(Scenario.objects.published().with_point_counts(), slug=slug)
    context = {
        "scenario": scenario,
        # Asked only when the page shows the link, to a facilitator.
        "has_guide": lambda: guides.guide_for(slug) is not None,
        **start_panel(request, scenario, form),
    }
    return render(request, "play/scenario.html", context, status=status)


# About the model, and the facilitators' guides ----------------------------------------


@require_GET
def model(request: HtmxHttpRequest) -> HttpResponse:
    """The model behind the app, in plain words, with what the evidence says of it."""
    styles = [
        {
            "code": code,
            "name": label,
            "task": BEHAVIOUR[code][0],
            "relationship": BEHAVIOUR[code][1],
            "plain": STYLE_PLAIN[code],
        }
        for code, label in Style.choices
    ]
    readiness = [
        {"code": code, "name": label, "plain": READINESS_PLAIN[code], "fit": best_style(code)}
        for code, label in Readiness.choices
    ]
    context = {"styles": styles, "readiness": readiness, "points": POINTS}
    return render(request, "play/model.html", context)


def _guide_for(request: HtmxHttpRequest, slug: str) -> tuple[Scenario, guides.Guide] | HttpResponse:
    """The scenario and its guide, for a facilitator; a refusal page for anyone else.

    A guide names every best fit, so a trainee who opened it would play with the answers
    in hand: trainees get a 403 that says why; facilitators get the guide.
    """
    scenario = get_object_or_404(Scenario, slug=slug)
    if not is_facilitator(request.user):
        return render(request, "play/guide_refused.html", {"scenario": scenario}, status=403)
    guide = guides.guide_for(slug)
    if guide is None:
        raise Http404("This scenario has no facilitator guide yet.")
    return scenario, guide


@login_required
@require_GET
def guide(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    found = _guide_for(request, slug)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "play/guide.html", {"g": guide_page(*found)})


@login_required
@require_GET
def guide_print(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The guide as one printed A4 page (the print stylesheet in play.css)."""
    found = _guide_for(request, slug)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "play/guide_print.html", {"g": guide_page(*found)})


# Playing ----------------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@require_POST
def start(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Start a new attempt at a scenario, in the mode the trainee chose."""
    scenario = get_object_or_404(Scenario.objects.published(), slug=slug)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _scenario_page(request, slug, form, status=422)
    token = "" if request.user.is_authenticated else guest_token(request, create=True)
    try:
        attempt = Attempt.start(
            scenario, user=request.user, guest_token=token, mode=form.cleaned_data["mode"]
        )
    except ValueError:
        messages.error(request, "This scenario has no decisions to play yet.")
        return _navigate(request, scenario.get_absolute_url())
    return _navigate(request, attempt.get_absolute_url())


@never_cache
@require_GET
def play(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    """The current decision: the question, or its feedback once it has an answer."""
    attempt = _attempt_for(request, attempt_id, "scenario")
    if attempt.is_finished:
        return redirect("play:debrief", attempt.pk)
    point = attempt.current_point
    if point is None:
        messages.error(request, "This attempt cannot go on: its scenario has changed.")
        return redirect(attempt.scenario)
    options = shown_order(ordered_options(point), attempt.pk)
    answer = Answer.objects.filter(attempt=attempt, decision_point=point).first()
    if answer is not None:
        context = _decision_context(attempt, point, options, answer=answer)
    elif attempt.reading_first:
        context = _decision_context(attempt, point, options)  # the clock waits for the trainee
    else:
        attempt.mark_served()
        context = _decision_context(
            attempt, point, options, form=AnswerForm(point, options=options)
        )
    return render(request, "play/decision.html", context)


@vary_on_headers("HX-Request")
@never_cache
@require_POST
def choices(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    """Golden Hour: turn from the situation to the choices, which starts the decision's clock.

    The start is written once (``Attempt.mark_served``), so a reload or a second click finds
    the clock already running. The form names its decision: one left behind in another tab
    changes nothing and shows where the attempt is. htmx gets the whole decision back to
    swap in place; a plain POST is redirected to the choices.
    """
    attempt = _attempt_for(request, attempt_id, "scenario")
    point = attempt.current_point
    if attempt.is_finished or point is None or point.key != posted_point_key(request.POST):
        return _navigate(request, attempt.get_absolute_url())
    attempt.mark_served()
    if not wants_fragment(request):
        return _see_other(f"{attempt.get_absolute_url()}#answer-heading")
    if Answer.objects.filter(attempt=attempt, decision_point=point).exists():
        return _navigate(request, attempt.get_absolute_url())
    options = shown_order(ordered_options(point), attempt.pk)
    context = _decision_context(
        attempt, point, options, form=AnswerForm(point, options=options), turned=True
    )
    return render(request, "play/decision.html#decision", context)


@vary_on_headers("HX-Request")
@never_cache
@require_POST
def answer(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    """Record the answer to the current decision and show its feedback.

    htmx gets the feedback fragment (it replaces the form in place); a plain POST is
    redirected to the decision page, which now shows the same feedback.
    """
    attempt = _attempt_with_point(request, attempt_id)
    key = posted_point_key(request.POST)
    current = attempt.current_point
    if current is not None and current.key == key:
        point, options = current, attempt.current_options
    else:
        point = DecisionPoint.objects.filter(scenario=attempt.scenario_id, key=key).first()
        options = None
    try:
        earlier = attempt.check_answerable(point)
    except AnswerRefused as refusal:
        return _refused(request, attempt, refusal)
    if earlier is not None:
        return _answered_before(request, attempt, earlier, point)

    options = shown_order(options if options is not None else ordered_options(point), attempt.pk)
    form = AnswerForm(point, request.POST, options=options)
    if not form.is_valid():
        context = _decision_context(attempt, point, options, form=form)
        if wants_fragment(request):
            return render(request, "play/decision.html#answer-form", context, status=422)
        return render(request, "play/decision.html", context, status=422)
    try:
        recorded, created = attempt.record_answer(**form.answer())
    except AnswerRefused as refusal:
        return _refused(request, attempt, refusal)
    repeated = (recorded.option_id, recorded.diagnosis) == (
        form.cleaned_data["option"].pk,
        form.cleaned_data["diagnosis"],
    )
    if not created and not repeated:
        return _answered_before(request, attempt, recorded, point)
    # New, or the same answer sent twice (a double click): show its feedback either way.
    if not wants_fragment(request):
        return _see_other(attempt.get_absolute_url())
    # The hot path: the fragment needs nothing from the context processors, and htmx sends
    # the CSRF token in a header (<body hx-headers>), so it renders without the request.
    response = HttpResponse(
        render_to_string(
            "play/decision.html#feedback",
            _decision_context(attempt, point, options, answer=recorded),
        )
    )
    return trigger_client_event(
        response,
        "answerRecorded",
        {"responseMs": recorded.response_ms, "late": recorded.late, "points": recorded.points},
    )


@vary_on_headers("HX-Request")
@require_POST
def proceed(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    """Continue: move on from the decision named in the form, along the branch it chose.

    The form names the decision it was shown with, so a second click (or a page left
    behind in another tab) finds the attempt already moved on and changes nothing.
    """
    attempt = _attempt_for(request, attempt_id)
    key = posted_point_key(request.POST)
    current = attempt.current_point
    if current is not None and current.key == key and not attempt.advance(current):
        messages.warning(request, "Answer this decision before you continue.")
    return _navigate(request, attempt.get_absolute_url())


@never_cache
@require_GET
def debrief(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    attempt = _attempt_for(request, attempt_id, "scenario")
    if not attempt.is_finished:
        messages.info(request, "The debrief opens once you reach the end of the scenario.")
        return redirect("play:play", attempt.pk)
    return render(request, "play/debrief.html", {"d": debrief_for(attempt)})


@never_cache
@require_GET
def debrief_print(request: HtmxHttpRequest, attempt_id: UUID) -> HttpResponse:
    attempt = _attempt_for(request, attempt_id, "scenario")
    if not attempt.is_finished:
        return redirect("play:play", attempt.pk)
    return render(request, "play/debrief_print.html", {"d": debrief_for(attempt)})
