"""Workshop screens: the facilitator's list, control, presenter and results; the
participant's join and play screens.

Views stay thin: transitions and joins are ``Workshop`` methods, answers go through
``Participant.answer`` (and so ``Attempt.record_answer``), counts come from ``room``.
Live screens answer a poll with a 304 after one query when nothing changed (``live``).
"""

from __future__ import annotations

from functools import lru_cache

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from scenarios.cache import in_scenario
from scenarios.leadership import READINESS_PLAIN, Readiness, best_option
from scenarios.models import DecisionPoint
from scenarios.order import lettered, room_seed, shown_order
from trainer import charts
from trainer.htmx import HtmxHttpRequest, wants_fragment
from trainer.links import absolute_url
from trainer.play.debrief import debrief_for, miss_reading
from trainer.play.feedback import feedback_for
from trainer.play.forms import AnswerForm
from trainer.play.models import Answer, AnswerRefused
from trainer.play.scoring import figures
from trainer.throttle import limits
from trainer.workshops import codes, export, room
from trainer.workshops.forms import (
    ControlForm,
    JoinCodeForm,
    JoinNameForm,
    PeopleForm,
    WorkshopForm,
)
from trainer.workshops.live import (
    POLL_SECONDS,
    live_screen,
    poller_headers,
    screen_etag,
)
from trainer.workshops.models import (
    Participant,
    Status,
    Workshop,
    WorkshopRefused,
)

LOGIN_PATH = "/accounts/login/"
SESSION_KEY = "workshop_participants"  # {str(workshop id): participant id}


# Who is asking --------------------------------------------------------------------------


def _login(request: HtmxHttpRequest) -> HttpResponse:
    if wants_fragment(request):
        return HttpResponseClientRedirect(f"{LOGIN_PATH}?{urlencode({'next': request.path})}")
    return redirect_to_login(request.get_full_path(), LOGIN_PATH)


def _workshop_for(request: HtmxHttpRequest, pk: int) -> Workshop:
    """The workshop, if the user runs it (or is staff); 404 for anyone else."""
    return get_object_or_404(
        Workshop.objects.run_by(request.user).select_related(
            "scenario", "facilitator", "current_step__decision_point"
        ),
        pk=pk,
    )


def _one(queryset):
    """The one row an unordered lookup matches, or None. Unlike ``first()``, which sorts by
    the key when nothing else orders the query, it adds no ORDER BY to build or to run."""
    return next(iter(queryset[:1]), None)


def _participant_at(request: HtmxHttpRequest, room_key: str) -> Participant | None:
    """This browser's participant in the room with ``room_key`` (by session, or by
    account), with their attempt and the workshop's current step in one query; the step's
    decision comes from the per-process content cache, since the whole room asks for the
    same one at once."""
    queryset = (
        Participant.objects.filter(workshop__room_key=room_key)
        .select_related("attempt", "workshop__scenario", "workshop__current_step")
        .order_by()  # one match at most: no ordering to build (see _one)
    )
    participant = None
    joined = request.session.get(SESSION_KEY, {})
    if joined:
        participant = _one(queryset.filter(pk__in=list(joined.values())))
    if participant is None and request.user.is_authenticated:
        participant = _one(queryset.filter(user=request.user))
    if participant is not None:
        workshop = participant.workshop
        step = workshop.current_step
        if step is not None:
            step.decision_point = in_scenario(workshop.scenario, step.decision_point_id)[0]
    return participant


def _remember(request: HtmxHttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(SESSION_KEY, {}))
    joined[str(participant.workshop_id)] = participant.pk
    request.session[SESSION_KEY] = joined


@lru_cache(maxsize=128)
def qr_svg(url: str) -> str:
    """The join URL as an inline SVG QR code; pure, so cached per process."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(
        scale=10, border=2, dark="#1c1917", light="#ffffff", omitsize=True, svgclass="qr"
    )
    label = escape(f"QR code for {url}")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _join_url(request: HtmxHttpRequest, workshop: Workshop) -> str:
    return absolute_url(request, workshop.join_path)


# The facilitator's list and creation -------------------------------------------------------


@require_GET
def workshop_list(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    # Any account can run a workshop, as in the live-quiz tools people know; its control
    # and presenter screens are its host's alone (and staff's).
    workshops = list(
        Workshop.objects.run_by(request.user)
        .select_related("scenario", "facilitator")
        .annotate(joined=Count("participants"))
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "workshops/list.html",
        {
            "live": [w for w in workshops if w.is_live],
            "ended": [w for w in workshops if not w.is_live],
            "show_facilitator": request.user.is_staff,
        },
    )


@require_http_methods(["GET", "POST"])
def workshop_new(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    if request.method == "POST":
        form = WorkshopForm(request.POST)
        if form.is_valid():
            try:
                workshop = Workshop.create(
                    scenario=form.cleaned_data["scenario"],
                    facilitator=request.user,
                    title=form.cleaned_data["title"],
                )
            except WorkshopRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    f"Workshop ready. The join code is {workshop.code_grouped}: open the "
                    "presenter screen for the room.",
                )
                return redirect(workshop, permanent=False)
    else:
        initial = {}
        slug = request.GET.get("scenario", "")
        scenario = WorkshopForm().fields["scenario"].queryset.filter(slug=slug).first()
        if scenario is not None:
            initial["scenario"] = scenario.pk
        form = WorkshopForm(initial=initial)
    return render(request, "workshops/new.html", {"form": form})


# Control ------------------------------------------------------------------------------------

_DONE = {
    ControlForm.LOCK: "Answers are locked.",
    ControlForm.REOPEN: "Answers are open again. Earlier answers stand.",
    ControlForm.REVEAL: "The room's answers are revealed.",
    ControlForm.END: "The workshop has ended. The summary is ready.",
}


def _act(workshop: Workshop, form: ControlForm) -> str:
    """Run one control action; return what to tell the facilitator, or raise."""
    action = form.cleaned_data["action"]
    shown = form.cleaned_data["step"]
    if action == ControlForm.OPEN:
        new_step = workshop.open_next(expected_step=shown)
        return f"Decision {new_step.number} is open: answers are coming in."
    if action == ControlForm.COUNTDOWN:
        seconds = form.cleaned_data["seconds"]
        if seconds is None:
            raise WorkshopRefused("Choose how long the room has to answer.")
        step = workshop.count_down(seconds, expected_step=shown)
        return f"Answers lock by themselves in {step.seconds_left()} seconds."
    if action in (ControlForm.HIDE, ControlForm.SHOW):
        if form.cleaned_data["answer"] is None:
            raise WorkshopRefused("Choose the reason to hide or show.")
        hidden = action == ControlForm.HIDE
        workshop.hide_reason(form.cleaned_data["answer"], hidden=hidden, expected_step=shown)
        if hidden:
            return "That reason will not be shown on the projector."
        return "That reason may be shown on the projector again."
    if action == ControlForm.BRANCH:
        option_id = None if form.cleaned_data["majority"] else form.cleaned_data["option"]
        if option_id is None and not form.cleaned_data["majority"]:
            raise WorkshopRefused("Choose the action whose branch the room follows.")
        workshop.choose_branch(option_id, expected_step=shown)
        if option_id is None:
            return "Branch set back to the room's most chosen action."
        return "Branch set to your pick."
    getattr(workshop, action)(expected_step=shown)
    return _DONE[action]


def _control_context(request: HtmxHttpRequest, workshop: Workshop) -> dict:
    step = workshop.current_step
    context = {
        "workshop": workshop,
        "step": step,
        "joined": room.joined_count(workshop),
        "join_url": _join_url(request, workshop),
        "poll": workshop.is_live,
    }
    if workshop.status == Status.LOBBY:
        context["names"] = room.recent_names(workshop)
    if step is not None and workshop.status in (Status.OPEN, Status.LOCKED):
        context["answered"] = room.answered_count(step)
        context["seconds_left"] = step.seconds_left() if workshop.status == Status.OPEN else None
    if step is not None and workshop.status in (Status.OPEN, Status.LOCKED, Status.REVEALED):
        options = _options_of(workshop, step.decision_point)
        context["key"] = room.answer_key(options)
        context["incoming"] = room.incoming_reasons(step)
        context["waiting"] = room.waiting_names(step)
    if step is not None and workshop.status == Status.REVEALED:
        context["reveal"] = room.reveal(step, with_reasons=False)
    if workshop.status == Status.LOBBY:
        context["qr"] = qr_svg(context["join_url"])
    return context


def _fresh(pk: int) -> Workshop:
    return Workshop.objects.select_related(
        "scenario", "facilitator", "current_step__decision_point"
    ).get(pk=pk)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@live_screen("control", "revision")
def control(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    fragment = wants_fragment(request)
    if not request.user.is_authenticated:
        return _login(request)
    workshop = _timed(_workshop_for(request, pk))
    notice, status = None, 200
    if request.method == "POST":
        form = ControlForm(request.POST)
        if not form.is_valid():
            notice = ("error", "That action could not be read. Use the buttons on this screen.")
            status = 422
        else:
            try:
                notice = ("success", _act(workshop, form))
            except WorkshopRefused as refused:
                notice, status = ("error", refused.message), 409  # the room is not where it was
        if not fragment:
            getattr(messages, notice[0])(request, notice[1])
            if status == 200:
                return HttpResponseRedirect(workshop.get_absolute_url(), status=303)
            notice = None  # a whole page shows it with the other messages
        workshop = _fresh(pk)
    response = _render_live(
        request,
        "workshops/control.html",
        "control",
        workshop.revision,
        workshop,
        {**_control_context(request, workshop), "notice": notice},
    )
    # A refused or unreadable action changed nothing, and says so (htmx swaps 409 and 422
    # in, as base.html's htmx-config asks).
    response.status_code = status
    return response


@require_POST
def run_again(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A new room for the same scenario and title: a new code, nobody in it yet."""
    if not request.user.is_authenticated:
        return _login(request)
    past = _workshop_for(request, pk)
    try:
        workshop = Workshop.create(
            scenario=past.scenario, facilitator=request.user, title=past.title
        )
    except WorkshopRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(past.get_absolute_url(), status=303)
    messages.success(
        request, f"A new room for {workshop.name} is ready: its code is {workshop.code_grouped}."
    )
    return HttpResponseRedirect(workshop.get_absolute_url(), status=303)


# A participant's own debrief, by a personal link --------------------------------------------

DEBRIEF_SALT = "golden-hour.workshop-debrief"


def debrief_token(participant: Participant) -> str:
    """The participant's personal link key: signed, so it cannot be guessed or altered,
    and it works on any device (a guest has no account to log in to)."""
    return signing.dumps([participant.pk, str(participant.attempt_id)], salt=DEBRIEF_SALT)


def _room_arc(summary: room.Summary) -> charts.StyleArc:
    return charts.room_arc(
        [(s.step.number, s.best_style, s.average_level, s.style_bars) for s in summary.steps]
    )


@never_cache
@require_GET
def participant_debrief(request: HtmxHttpRequest, token: str) -> HttpResponse:
    try:
        participant_id, attempt_id = signing.loads(token, salt=DEBRIEF_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404("There is no debrief at this address.") from None
    participant = get_object_or_404(
        Participant.objects.select_related("workshop__scenario", "attempt__scenario"),
        pk=participant_id,
        attempt_id=attempt_id,
    )
    workshop = participant.workshop
    if workshop.is_live:
        return redirect(workshop.room_path)
    summary = room.summary(workshop)
    return render(
        request,
        "workshops/debrief.html",
        {
            "d": debrief_for(participant.attempt),
            "workshop": workshop,
            "participant": participant,
            "summary": summary,
            "arc": _room_arc(summary),
        },
    )


# Presenter ----------------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@require_GET
@live_screen("present", "revision")
def present(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    workshop = _timed(_workshop_for(request, pk))
    step = workshop.current_step
    join_url = _join_url(request, workshop)
    context = {
        "workshop": workshop,
        "step": step,
        "joined": room.joined_count(workshop),
        "join_url": join_url,
        "join_host": join_url.split("/join/")[0].split("://", 1)[-1] + "/join/",
        "qr": qr_svg(join_url) if workshop.is_live else "",
        "poll": workshop.is_live,
    }
    if workshop.status == Status.LOBBY:
        context["names"] = room.recent_names(workshop)
    elif workshop.status in (Status.OPEN, Status.LOCKED):
        context["answered"] = room.answered_count(step)
        context["choices"] = lettered(_options_of(workshop, step.decision_point))
        context["seconds_left"] = step.seconds_left() if workshop.status == Status.OPEN else None
        context["readiness_rows"] = [(r.value, r.label) for r in Readiness]
    elif workshop.status == Status.REVEALED:
        reveal = room.reveal(step)
        context["reveal"] = reveal
        context["option_chart"] = charts.bar_chart(reveal.option_bars, charts.ABOVE)
        context["diagnosis_chart"] = charts.bar_chart(reveal.diagnosis_bars, charts.ABOVE, "right")
    else:
        summary = room.summary(workshop)
        context["summary"] = summary
        context["arc"] = _room_arc(summary)
    return _render_live(
        request, "workshops/present.html", "present", workshop.revision, workshop, context
    )


# Results and export -----------------------------------------------------------------------


@require_GET
def results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    workshop = _workshop_for(request, pk)
    summary = room.summary(workshop)
    return render(
        request,
        "workshops/results.html",
        {
            "workshop": workshop,
            "summary": summary,
            "arc": _room_arc(summary),
            "participants": room.participant_rows(workshop),
        },
    )


@require_http_methods(["GET", "POST"])
def people(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who is in the room, for the facilitator: remove someone, or set the room's size."""
    if not request.user.is_authenticated:
        return _login(request)
    workshop = _workshop_for(request, pk)
    form = PeopleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == PeopleForm.REMOVE:
                    name = workshop.remove(form.cleaned_data["participant"])
                    messages.success(request, f"{name} is out of the room, with their answers.")
                else:
                    workshop.set_capacity(form.cleaned_data["capacity"])
                    messages.success(
                        request, f"Up to {form.cleaned_data['capacity']} people can join now."
                    )
                return HttpResponseRedirect(reverse("workshops:people", args=[pk]), status=303)
            except WorkshopRefused as refused:
                form.add_error(None, refused.message)
        workshop = _workshop_for(request, pk)
    status = 422 if form.is_bound else 200
    return render(
        request,
        "workshops/people.html",
        {"workshop": workshop, "form": form, "participants": room.participant_rows(workshop)},
        status=status,
    )


@require_GET
def export_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login(request)
    workshop = _workshop_for(request, pk)
    day = (workshop.ended_at or timezone.now()).date().isoformat()
    response = StreamingHttpResponse(
        export.stream(workshop), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.code}-{day}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


# Joining ------------------------------------------------------------------------------------


def _code_try(request: HtmxHttpRequest, code: str) -> limits.Try:
    """Count a try of a join code against the address, or, when this address sent the same
    code a moment ago (a phone retrying its typo, a reload), against that code alone: so
    one phone cannot use up the room's tries, and a guesser's new codes all count."""
    address = limits.client_address(request)
    same = (limits.JOIN_SAME_CODE, f"{address} {code}")
    if limits.count(*same):
        return limits.take(same)
    return limits.take((limits.JOIN_ADDRESS, address), same)


def _wrong_code(request: HtmxHttpRequest, form: JoinCodeForm, status: int = 200) -> HttpResponse:
    form.add_error(
        "code", "No workshop is running with that code. Check it against the big screen."
    )
    return render(request, "workshops/join.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def join(request: HtmxHttpRequest) -> HttpResponse:
    """Step 1: the code. Wrong codes are counted per address and throttled."""
    if request.method == "GET":
        return render(request, "workshops/join.html", {"form": JoinCodeForm()})
    form = JoinCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "workshops/join.html", {"form": form})
    code = form.cleaned_data["code"]
    attempt = _code_try(request, code)
    if attempt:
        return limits.too_many(request, "workshops/too_many.html", {}, attempt.wait)
    if not codes.is_well_formed(code) or not Workshop.objects.live().filter(code=code).exists():
        if Workshop.objects.filter(code=code, status=Status.ENDED).exists():
            limits.refund(attempt)
            form.add_error("code", "That workshop has ended, so it cannot be joined any more.")
            return render(request, "workshops/join.html", {"form": form})
        return _wrong_code(request, form)
    limits.refund(attempt)
    return HttpResponseRedirect(reverse("workshops:join_code", args=[code]), status=303)


@require_http_methods(["GET", "POST"])
def join_code(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Step 2: a name. The QR code leads straight here."""
    normal = codes.normalize(code)
    if normal != code and codes.is_well_formed(normal):
        return redirect("workshops:join_code", code=normal)
    attempt = _code_try(request, normal)
    if attempt:
        return limits.too_many(request, "workshops/too_many.html", {}, attempt.wait)
    workshop = (
        Workshop.objects.live().select_related("scenario").filter(code=normal).first()
        if codes.is_well_formed(normal)
        else None
    )
    if workshop is None:
        ended = Workshop.objects.filter(code=normal, status=Status.ENDED).first()
        if ended is not None:
            limits.refund(attempt)
            participant = _participant_at(request, ended.room_key)
            if participant is not None:
                return redirect(ended.room_path)
            return render(request, "workshops/ended.html", {"workshop": ended}, status=410)
        form = JoinCodeForm({"code": code})
        form.is_valid()
        return _wrong_code(request, form, status=404)
    limits.refund(attempt)

    participant = _participant_at(request, workshop.room_key)
    if participant is not None:
        _remember(request, participant)
        return redirect(workshop.room_path)

    form = JoinNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        joining = limits.take((limits.ROOM_JOIN, limits.client_address(request)))
        if joining:
            return limits.too_many(request, "workshops/too_many_joins.html", {}, joining.wait)
        try:
            participant = workshop.join(
                display_name=form.cleaned_data["display_name"], user=request.user
            )
        except WorkshopRefused as refused:
            form.add_error(None, refused.message)
        else:
            _remember(request, participant)
            return HttpResponseRedirect(workshop.room_path, status=303)
    return render(
        request,
        "workshops/join_name.html",
        {"form": form, "workshop": workshop},
    )


# The participant's screen -------------------------------------------------------------------


def _options_of(workshop: Workshop, point: DecisionPoint) -> list:
    """The point's options in the room's order, from the per-process content cache: the
    whole room asks for the same four at once. ``workshop.scenario`` must be loaded (it
    carries the content stamp)."""
    return shown_order(in_scenario(workshop.scenario, point.pk)[1], room_seed(workshop.pk))


def _participant_context(
    workshop: Workshop,
    participant: Participant,
    form: AnswerForm | None = None,
    answer: Answer | None = None,
) -> dict:
    step = workshop.current_step
    context: dict = {"workshop": workshop, "participant": participant, "step": step}
    if step is not None and workshop.status == Status.OPEN:
        context["seconds_left"] = step.seconds_left()
    if workshop.status == Status.ENDED:
        result = figures(participant.attempt.answers.all())
        context["score"] = result
        context["miss_reading"] = miss_reading(result)
        context["debrief_url"] = reverse("workshops:debrief", args=[debrief_token(participant)])
        context["poll"] = False
        return context
    context["poll"] = True
    if step is None:
        return context
    point = step.decision_point
    if answer is None:
        answer = _one(
            Answer.objects.filter(attempt=participant.attempt, decision_point=point)
            .select_related("option")
            .order_by()
        )
    context["answer"] = answer
    context["point"] = point
    if workshop.status == Status.OPEN and answer is None:
        context["form"] = form or AnswerForm(point, options=_options_of(workshop, point))
    if workshop.status == Status.REVEALED:
        options = _options_of(workshop, point)
        context["best"] = best_option(options)
        context["readiness_plain"] = READINESS_PLAIN[point.readiness]
        if answer is not None:
            context["fb"] = feedback_for(answer, point, options, timed=False, heading_level=2)
    return context


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@live_screen("participant", "stage", "room_key")
def participant(request: HtmxHttpRequest, key: str) -> HttpResponse:
    fragment = wants_fragment(request)
    person = _participant_at(request, key)
    if person is not None:
        workshop = person.workshop = _timed(person.workshop)
    else:
        # Someone not in this room: send them to type its code. Never to the room's own
        # join link, which would hand its code to anyone who comes by its address.
        messages.info(request, "To join a workshop, type the code shown on its big screen.")
        join_url = reverse("workshops:join")
        if fragment:
            return HttpResponseClientRedirect(join_url)
        return redirect(join_url)

    form = None
    notice = None
    answer = None
    if request.method == "POST":
        form, notice, answer = _answer(workshop, person, request.POST)
        if form is None and not fragment:
            if notice is not None:
                getattr(messages, notice[0])(request, notice[1])
            return HttpResponseRedirect(request.path, status=303)
        if answer is None:  # refused or repeated: show the room as it is now
            workshop = Workshop.objects.select_related(
                "scenario", "current_step__decision_point"
            ).get(pk=person.workshop_id)
    context = {**_participant_context(workshop, person, form, answer), "notice": notice}
    return _render_live(
        request, "workshops/participant.html", "participant", workshop.stage, workshop, context
    )


ALREADY = "You had already answered this decision; your first answer stands."


def _answer(
    workshop: Workshop, person: Participant, data
) -> tuple[AnswerForm | None, tuple[str, str] | None, Answer | None]:
    """Validate and record one answer.

    Returns the form to show again (when it has mistakes), a notice for the participant,
    and the new answer when one was recorded.
    """
    step = workshop.current_step
    raw = str(data.get("point", ""))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 11:  # "²" is a digit to isdigit
        point = None
    elif step is not None and step.decision_point_id == int(raw):
        point = step.decision_point  # the usual case: no query
    else:
        point = DecisionPoint.objects.filter(pk=int(raw), scenario_id=workshop.scenario_id).first()
    if point is None:
        return None, ("error", "That answer is not for a decision in this workshop."), None
    if workshop.status != Status.OPEN or step is None or step.decision_point_id != point.pk:
        if Answer.objects.filter(attempt=person.attempt, decision_point=point).exists():
            return None, ("info", ALREADY), None
        return None, ("error", person.closed_message(point)), None
    if step.time_is_up():
        workshop.lock_if_time_is_up()
        return (
            None,
            ("error", "Time is up: answers to this decision closed with the countdown."),
            None,
        )
    # The options, shared by the form and by record_answer's best fit.
    options = _options_of(workshop, point)
    form = AnswerForm(point, data, options=options)
    if not form.is_valid():
        return form, None, None
    try:
        answer, created = person.answer(**form.answer())
    except AnswerRefused as refused:
        return None, ("error", refused.message), None
    if not created:
        return None, ("info", ALREADY), None
    return None, None, answer  # the screen itself now says "Answer received"


# Live rendering -----------------------------------------------------------------------------


def _timed(workshop: Workshop) -> Workshop:
    """The workshop as it stands once a countdown that has run out has locked it."""
    if workshop.lock_if_time_is_up():
        return _fresh(workshop.pk)
    return workshop


def _render_live(
    request: HtmxHttpRequest,
    template: str,
    screen: str,
    version: int,
    workshop: Workshop,
    context: dict,
) -> HttpResponse:
    etag = screen_etag(request, screen, workshop.pk, version)
    context["poll_headers"] = poller_headers(etag)
    context["poll_seconds"] = POLL_SECONDS
    context["fragment"] = wants_fragment(request)
    if not wants_fragment(request):
        return render(request, template, context)  # no ETag: only the poller revalidates
    response = render(request, f"{template}#screen", context)
    response["ETag"] = etag
    return response
