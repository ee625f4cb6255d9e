from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from scenarios.guides import GUIDES_DIR
from scenarios.translations import TRANSLATIONS_DIR, source_hash, texts
from scenarios.validation import CONTENT_DIR


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar on one line (folded lines would put spaces into Japanese)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> list[str]:
    return ["    # " + line for line in " ".join(text.split()).splitlines() or [""]]


class Command(BaseCommand):
    help = (
        "Write a scenario's translation file for a language: every text of the scenario and its "
        "guide by path, the English as a comment, the hash of that English as `source`. Texts "
        "already translated against the same English are kept; new or changed ones are empty."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--language", default="ja")
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="print instead of writing"
        )

    def handle(self, *args, slug: str, language: str, print_only: bool, **options) -> None:
        source = CONTENT_DIR / f"{slug}.yaml"
        if not source.exists():
            raise CommandError(f"no scenario file {source}")
        content = yaml.safe_load(source.read_text(encoding="utf-8"))
        guide_path = GUIDES_DIR / f"{slug}.yaml"
        guide = (
            yaml.safe_load(guide_path.read_text(encoding="utf-8")) if guide_path.exists() else None
        )
        target: Path = TRANSLATIONS_DIR / language / f"{slug}.yaml"
        known: dict = {}
        if target.exists():
            known = (yaml.safe_load(target.read_text(encoding="utf-8")) or {}).get("texts") or {}
        lines = [
            f"# {language} translation of scenarios/content/{slug}.yaml and its guide.",
            "# `source` is the hash of the English translated (the comment above it); when the",
            "# English changes, the hash no longer matches and the validator flags the text.",
            f"language: {language}",
            f"scenario: {slug}",
            "texts:",
        ]
        empty = 0
        for path, english in texts(content, guide).items():
            digest = source_hash(english)
            entry = known.get(path) or {}
            # A hash of digits alone reads back from an older unquoted file as a number.
            translated = entry.get("text") if str(entry.get("source")) == digest else ""
            empty += not translated
            lines += [f"  {path}:", *_comment(english)]
            # Quoted: a hash such as 1234e5678901 would otherwise read back as a number.
            lines += [f"    source: {_quoted(digest)}", f"    text: {_quoted(translated or '')}"]
        document = "\n".join(lines) + "\n"
        if print_only:
            self.stdout.write(document, ending="")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document, encoding="utf-8")
        self.stdout.write(f"wrote {target}: {empty} texts to translate")
