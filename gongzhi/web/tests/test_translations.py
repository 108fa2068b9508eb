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


_GETTEXT = {"_", "_l", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
_PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _source_strings() -> dict[str, str]:
    """The literal strings the project's Python code marks for translation (not the tests'),
    each with where it is: what `makemessages` should have put in the catalogue."""
    root = Path(settings.BASE_DIR) / "gongzhi"
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func, args = node.func, node.args
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            texts = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in args[:2]
            ]
            where = f"{path.relative_to(root)}:{node.lineno}"
            if name in _PGETTEXT and len(texts) == 2 and texts[0] and texts[1]:
                found[f"{texts[0]}\x04{texts[1]}"] = where
            elif name in _GETTEXT and texts and texts[0]:
                found[texts[0]] = where
    return found


def test_every_string_the_code_marks_is_in_the_catalogue(entries: list[Entry]) -> None:
    # Two intake errors once reached users untranslated: the catalogue had not been updated.
    po_ids = {e.msgid if e.context is None else f"{e.context}\x04{e.msgid}" for e in entries}
    missing = {text: where for text, where in _source_strings().items() if text not in po_ids}
    assert missing == {}, "run `make messages` and translate what it adds"


# A count in English takes the singular for one ("1 days left" is wrong): a string whose
# number comes before a counted noun must be a plural entry (ngettext, blocktranslate count).
_COUNTED = re.compile(
    r"%\(\w+\)[sd]\s+(?:[a-z-]+\s+)?(?:requests|orders|work orders|callbacks|places|years|items"
    r"|proposals|topics|votes|people|residents|members|days|working days|hours|minutes|times"
    r"|photos|reports|visits|activities|ratings)\b"
)
# Numbers from settings (a limit of one would read oddly, and no setting is one).
_SETTING_LIMITS = {
    "至少需要 %(n)d 项",
    "最多 %(n)d 项",
    "照片最多%(n)d张",
    "延期天数须在1至%(n)d个工作日之间",
    "计入考核工单不少于 %(n)s 件的才评定等级、标记末位。",
}


def test_a_number_before_a_counted_noun_has_its_singular_in_english(
    entries: list[Entry],
) -> None:
    singular_only = [
        f"line {e.line}: {e.msgid} → {e.msgstr.get(0, '')}"
        for e in entries
        if e.plural is None
        and e.msgid not in _SETTING_LIMITS
        and _COUNTED.search(e.msgstr.get(0, ""))
    ]
    assert singular_only == []
