"""The English catalogue is complete, and the compiled .mo says what the .po says.

A user's machine may have no gettext, so the compiled catalogue is committed; these tests
catch a .po that was extended but not filled in, and a .mo that was not recompiled.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


@dataclass
class Entry:
    line: int
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("", 0)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry = None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if keyword:
            name, index, text = (
                keyword.group(1),
                keyword.group(2),
                ast.literal_eval(keyword.group(3)),
            )
            target = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, 0)
            _append(entry, target, text, new=True)
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line), new=False)
    return [e for e in entries if e.msgstr or e.msgid]


def _append(entry: Entry, target: tuple[str, int], text: str, *, new: bool) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = ("" if new else entry.msgstr.get(index, "")) + text
    elif name == "msgid":
        entry.msgid = ("" if new else entry.msgid) + text
    elif name == "msgid_plural":
        entry.plural = ("" if new else entry.plural or "") + text
    elif name == "msgctxt":
        entry.context = ("" if new else entry.context or "") + text


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [e for e in read_po(CATALOGUE / "django.po") if e.msgid]


@pytest.fixture(scope="module")
def compiled() -> gettext.GNUTranslations:
    with (CATALOGUE / "django.mo").open("rb") as fp:
        return gettext.GNUTranslations(fp)


def test_the_catalogue_has_the_interface_strings(entries: list[Entry]) -> None:
    ids = {e.msgid for e in entries}
    assert {"地点", "首页", "示意地理数据（生成）", "退出登录"} <= ids


def test_every_string_has_an_english_translation(entries: list[Entry]) -> None:
    untranslated = [
        f"line {e.line}: {e.msgid}" for e in entries if not all(e.msgstr.values()) or not e.msgstr
    ]
    assert untranslated == []


def test_no_translation_is_fuzzy(entries: list[Entry]) -> None:
    assert [f"line {e.line}: {e.msgid}" for e in entries if "fuzzy" in e.flags] == []


def test_plural_strings_have_both_english_forms(entries: list[Entry]) -> None:
    incomplete = [e.msgid for e in entries if e.plural is not None and sorted(e.msgstr) != [0, 1]]
    assert incomplete == []


def test_the_compiled_catalogue_says_what_the_po_says(
    entries: list[Entry], compiled: gettext.GNUTranslations
) -> None:
    stale = []
    for e in entries:
        if e.plural is not None:
            got = [compiled.ngettext(e.msgid, e.plural, n) for n in (1, 2)]
            want = [e.msgstr[0], e.msgstr[1]]
        elif e.context is not None:
            got, want = [compiled.pgettext(e.context, e.msgid)], [e.msgstr[0]]
        else:
            got, want = [compiled.gettext(e.msgid)], [e.msgstr[0]]
        if got != want:
            stale.append(e.msgid)
    assert stale == [], "run `gongzhi compilemessages -l en --ignore=.venv`"


def test_the_compiled_catalogue_has_no_strings_the_po_lacks(
    entries: list[Entry], compiled: gettext.GNUTranslations
) -> None:
    catalogue = compiled._catalog  # type: ignore[attr-defined]
    # Keys: the header "", plain msgids, (msgid, n) for plurals, "ctx\x04msgid" for contexts.
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalogue} - {""}
    po_ids = {e.msgid if e.context is None else f"{e.context}\x04{e.msgid}" for e in entries}
    assert compiled_ids == po_ids
