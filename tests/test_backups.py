"""Backup and restore, once, on whichever database the suite runs against."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scenarios.models import Scenario


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_the_data_back(tmp_path: Path, small_scenario) -> None:
    dump = tmp_path / "golden-hour.dump"
    call_command("backup_db", "--out", str(dump))
    assert dump.stat().st_size > 0

    Scenario.objects.filter(slug="test-small").update(title="Changed after the backup")
    call_command("restore_db", str(dump), "--yes")

    assert Scenario.objects.get(slug="test-small").title == "A small test scenario"


@pytest.mark.django_db
def test_restore_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no backup at"):
        call_command("restore_db", str(tmp_path / "nope.dump"), "--yes")
