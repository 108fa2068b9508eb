"""`makemessages` that also reads `_l(...)`: modules that need both gettext and gettext_lazy
import the lazy one as `_l`, and xgettext knows only the standard names (strings marked with
`_l` were missing from the catalogue and shown in Chinese on English pages)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
