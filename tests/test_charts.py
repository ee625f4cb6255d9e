"""The one charts module: what each layout draws, from the numbers it is given."""

from __future__ import annotations

from trainer.charts import ABOVE, BESIDE, Bar, bar_chart, line_chart, room_arc

STYLES = [
    Bar("S1", "Directing", 6, 60),
    Bar("S2", "Coaching", 3, 30),
    Bar("S3", "Supporting", 1, 10),
    Bar("S4", "Delegating", 0, 0),
]


def test_bars_beside_their_labels_scale_to_the_largest_count():
    chart = bar_chart(STYLES, BESIDE)
    widths = [row.width for row in chart.rows]
    assert widths[0] == BESIDE.track  # the most chosen fills the track
    assert widths[1] == BESIDE.track / 2 and widths[3] == 0
    assert [row.caption for row in chart.rows][:2] == ["S1 Directing", "S2 Coaching"]
    assert chart.description.startswith("S1 Directing: 6 (60%); S2 Coaching: 3 (30%)")
    assert chart.height == 4 * BESIDE.row - 10


def test_bars_above_their_labels_show_the_share_and_name_the_highlight():
    bars = [Bar("A", "S1 Directing", 1, 0, highlight=True), Bar("B", "S2 Coaching", 299, 100)]
    chart = bar_chart(bars, ABOVE, "right")
    assert chart.rows[0].width == ABOVE.min_width  # one answer in 300 still shows
    assert chart.rows[1].width == ABOVE.track
    assert chart.rows[0].caption == "A · S1 Directing ✓ right"
    assert chart.description == "A S1 Directing: 1 (0%), right; B S2 Coaching: 299 (100%)"
    assert chart.rows[1].label_y < chart.rows[1].bar_y  # the label on its own line


def test_a_rooms_arc_marks_the_best_fit_and_the_rooms_average():
    arc = room_arc(
        [(1, "S1", 1.5, STYLES), (2, "S3", None, []), (3, None, 4.0, [Bar("S4", "", 2, 100)])]
    )
    y = {level.code: level.y for level in arc.levels}
    first, unanswered, unscored = arc.columns
    assert first.best_y == y["S1"]
    assert first.line_y == (y["S1"] + y["S2"]) / 2  # an average of 1.5: between S1 and S2
    assert [bubble.style for bubble in first.bubbles] == ["s1", "s2", "s3"]  # none for 0 %
    assert unanswered.line_y is None and unanswered.bubbles == ()
    assert unscored.best_y is None and unscored.line_y == y["S4"]
    assert arc.best_path.count(",") == 2 and arc.line_path.count(",") == 2
    assert room_arc([]).columns == [] and room_arc([]).best_path == ""


def test_a_line_keeps_values_inside_its_range():
    chart = line_chart([(-250, "1 Mar"), (0, "2 Mar"), (100, "3 Mar")])
    lowest, zero, highest = (dot.y for dot in chart.dots)
    assert lowest == chart.height - chart.bottom and highest == chart.top
    assert zero == next(grid.y for grid in chart.gridlines if grid.label == "0%")
    assert (chart.first_label, chart.last_label) == ("1 Mar", "3 Mar")
