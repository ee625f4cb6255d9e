"""Drop the indexes of Answer.attempt and Answer.decision_point.

Each duplicates the leading column of an index the table has anyway: the unique
(attempt, decision_point) and the (decision_point, style) index. Only the indexes go; the
foreign keys stay as they are (a plain AlterField would drop and re-add them on PostgreSQL,
checking every row again).
"""

import django.db.models.deletion
from django.db import migrations, models

# The names Django gave these indexes in 0001, the same on every database.
INDEXES = {
    "play_answer_attempt_id_27c48eda": "attempt_id",
    "play_answer_decision_point_id_3b6d63bd": "decision_point_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("play", "0002_attempt_points_done"),
        ("scenarios", "0002_option_points_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="attempt",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="play.attempt",
                    ),
                ),
                migrations.AlterField(
                    model_name="answer",
                    name="decision_point",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="scenarios.decisionpoint",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "play_answer" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
