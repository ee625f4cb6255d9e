"""What a reader who knows nothing of the model would score: the guessability report.

Each strategy picks an option from what is on the surface (length, position, numbers, a
word) and never from the diagnosis. If one of them earns much more than a random pick
(which earns 0 with points +2, +1, -1 and -2), the items measure reading habits, not
judgment. ``validate_scenarios`` prints this report and refuses a set that breaks a limit.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from scenarios.leadership import MAX_POINTS, Style, best_option, best_style
from scenarios.specs import OptionSpec, PointSpec

# The limits, for one file and for the whole set.
MAX_SHARE_OF_MAXIMUM = 0.25  # no strategy earns more than a quarter of the maximum points
MAX_HIT_RATE = 1 / 3  # nor finds the best fit in more than a third of the points
MAX_BEST_IS_LONGEST = 0.30  # the best fit is the longest option in at most 30 % of points
MAX_BEST_IS_SHORTEST = 0.30
# A word counts as a rule only when it is common enough to be a habit of the writing.
MIN_WORD_POINTS = 8
# Below this many points a share is noise: the report is printed, the limits not applied.
MIN_POINTS_FOR_LIMITS = 6

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SPECIFIC = re.compile(r"\d+|[:;()]")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "who",
        "will",
        "with",
        "you",
        "your",
    }
)


@dataclass(frozen=True)
class Result:
    """What one strategy earns over a set of points."""

    name: str
    points: float  # expected points, ties broken at random
    maximum: int
    hits: float  # expected number of best fits found
    count: int  # decision points played

    @property
    def share(self) -> float:
        return self.points / self.maximum if self.maximum else 0.0

    @property
    def hit_rate(self) -> float:
        return self.hits / self.count if self.count else 0.0

    @property
    def beats_limit(self) -> bool:
        return self.share > MAX_SHARE_OF_MAXIMUM or self.hit_rate > MAX_HIT_RATE


@dataclass(frozen=True)
class Report:
    strategies: list[Result]
    best_is_longest: float  # share of points
    best_is_shortest: float
    best_position: dict[int, int]  # 1-based position in the file -> points
    best_longest_keys: list[str]
    best_shortest_keys: list[str]
    count: int

    @property
    def problems(self) -> list[str]:
        if self.count < MIN_POINTS_FOR_LIMITS:
            return []
        found = [
            f"the strategy '{result.name}' earns {result.share:.0%} of the maximum and finds "
            f"the best fit in {result.hit_rate:.0%} of points (limits: "
            f"{MAX_SHARE_OF_MAXIMUM:.0%} and {MAX_HIT_RATE:.0%})"
            for result in self.strategies
            if result.beats_limit
        ]
        if self.best_is_longest > MAX_BEST_IS_LONGEST:
            found.append(
                f"the best fit is the longest option in {self.best_is_longest:.0%} of points "
                f"(limit {MAX_BEST_IS_LONGEST:.0%}): {', '.join(self.best_longest_keys)}"
            )
        if self.best_is_shortest > MAX_BEST_IS_SHORTEST:
            found.append(
                f"the best fit is the shortest option in {self.best_is_shortest:.0%} of points "
                f"(limit {MAX_BEST_IS_SHORTEST:.0%}): {', '.join(self.best_shortest_keys)}"
            )
        return found

    def lines(self) -> list[str]:
        rows = [
            f"  {result.name:<34} {result.share:>6.0%} of max   best fit in {result.hit_rate:>4.0%}"
            for result in self.strategies
        ]
        positions = ", ".join(f"{pos}: {n}" for pos, n in sorted(self.best_position.items()))
        rows.append(
            f"  best fit is the longest in {self.best_is_longest:.0%} of points, the shortest "
            f"in {self.best_is_shortest:.0%}; by position in the file {positions}"
        )
        return rows


Picker = Callable[[PointSpec], Sequence[OptionSpec]]


def _play(name: str, points: Sequence[PointSpec], pick: Picker) -> Result:
    """Expected points and hits when the picker's candidates are chosen among at random."""
    total = hits = 0.0
    for point in points:
        chosen = list(pick(point)) or list(point.options)
        total += sum(option.points for option in chosen) / len(chosen)
        hits += sum(option.points == MAX_POINTS for option in chosen) / len(chosen)
    return Result(name, total, MAX_POINTS * len(points), hits, len(points))


def _extreme(options: Sequence[OptionSpec], key: Callable[[OptionSpec], float], top: bool):
    values = [key(option) for option in options]
    target = max(values) if top else min(values)
    return [option for option, value in zip(options, values, strict=True) if value == target]


def _length(option: OptionSpec) -> int:
    return len(option.text)


def _specificity(option: OptionSpec) -> int:
    return len(_SPECIFIC.findall(option.text))


def words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOP}


def _option_word_rules(points: Sequence[PointSpec]) -> list[Result]:
    """For each common word: pick the options that contain it (all when none does)."""
    counts: Counter[str] = Counter()
    for point in points:
        for word in set().union(*(words(option.text) for option in point.options)):
            counts[word] += 1
    rules = []
    for word, in_points in counts.items():
        if in_points < MIN_WORD_POINTS:
            continue
        for contains in (True, False):
            label = f"option {'with' if contains else 'without'} '{word}'"
            rules.append(
                _play(
                    label,
                    points,
                    lambda p, w=word, c=contains: [
                        o for o in p.options if (w in words(o.text)) == c
                    ],
                )
            )
    return rules


def _cue_word_rules(points: Sequence[PointSpec]) -> list[Result]:
    """For each common word of the cues: the style its points most often need, picked there."""
    by_word: dict[str, list[PointSpec]] = defaultdict(list)
    for point in points:
        for word in words(" ".join(point.cues)):
            by_word[word].append(point)
    rules = []
    for word, with_word in by_word.items():
        if len(with_word) < MIN_WORD_POINTS:
            continue
        style = Counter(best_style(p.readiness) for p in with_word).most_common(1)[0][0]
        marked = {id(p) for p in with_word}
        rules.append(
            _play(
                f"cue '{word}' means {style}",
                points,
                lambda p, s=style, m=marked: (
                    [o for o in p.options if o.style == s] if id(p) in m else []
                ),
            )
        )
    return rules


def strategies(points: Sequence[PointSpec], *, whole_set: bool = True) -> list[Result]:
    """Every surface strategy. One file is checked for the habits of its writing (length,
    numbers, position); a whole set also for constant styles and telling words, which only
    mean something over many points and several phases of the crisis."""
    found = [
        _play("longest option", points, lambda p: _extreme(p.options, _length, True)),
        _play("shortest option", points, lambda p: _extreme(p.options, _length, False)),
        _play("most numbers and lists", points, lambda p: _extreme(p.options, _specificity, True)),
    ]
    found += [
        _play(f"always position {n + 1}", points, lambda p, n=n: p.options[n : n + 1])
        for n in range(4)
    ]
    if whole_set:
        found += [
            _play(
                f"always {style}", points, lambda p, s=style: [o for o in p.options if o.style == s]
            )
            for style in Style.values
        ]
        for rules in (_option_word_rules(points), _cue_word_rules(points)):
            if rules:
                # The strongest rule by points, and by best fits found, if that is another.
                by_points = max(rules, key=lambda result: (result.points, result.hits))
                by_hits = max(rules, key=lambda result: (result.hits, result.points))
                found += [by_points] if by_hits is by_points else [by_points, by_hits]
    return found


def report(points: Iterable[PointSpec], *, whole_set: bool = True) -> Report:
    points = list(points)
    longest: list[str] = []
    shortest: list[str] = []
    longest_share = shortest_share = 0.0
    positions: Counter[int] = Counter()
    for point in points:
        best = best_option(point.options)
        lengths = [_length(option) for option in point.options]
        # A tie counts as a share: four options of one length give nothing away.
        if _length(best) == max(lengths):
            longest.append(point.key)
            longest_share += 1 / lengths.count(max(lengths))
        if _length(best) == min(lengths):
            shortest.append(point.key)
            shortest_share += 1 / lengths.count(min(lengths))
        positions[point.options.index(best) + 1] += 1
    n = len(points) or 1
    return Report(
        strategies=strategies(points, whole_set=whole_set),
        best_is_longest=longest_share / n,
        best_is_shortest=shortest_share / n,
        best_position={pos: positions.get(pos, 0) for pos in range(1, 5)},
        best_longest_keys=longest,
        best_shortest_keys=shortest,
        count=len(points),
    )
