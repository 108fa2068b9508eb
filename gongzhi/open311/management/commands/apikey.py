"""Issue, revoke and list API keys from the command line.

gongzhi apikey issue --client 朝阳通 [--create --code chaoyangtong --contact "…"]
gongzhi apikey revoke 1a2b3c4d
gongzhi apikey list
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.text import slugify

from gongzhi.accounts.models import Person
from gongzhi.open311.models import ApiClient, ApiKey
from gongzhi.open311.services import apiclient_create, apikey_issue, apikey_revoke


class Command(BaseCommand):
    help = "Issue (printed once), revoke and list the API keys of client systems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a new key to a client and print it once")
        issue.add_argument("--client", required=True, help="the client's name or code")
        issue.add_argument("--label", default="", help="what the key is for")
        issue.add_argument("--create", action="store_true", help="create the client if missing")
        issue.add_argument("--code", default="", help="code of a client created with --create")
        issue.add_argument("--contact", default="", help="contact of a new client")
        issue.add_argument(
            "--acts-as", default="", help="user name the client acts as in the staff API"
        )
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list clients and their keys (never the keys themselves)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _issue(
        self,
        *,
        client: str,
        label: str,
        create: bool,
        code: str,
        contact: str,
        acts_as: str,
        **_: Any,
    ) -> None:
        found = ApiClient.objects.filter(Q(name=client) | Q(code=client)).first()
        person = None
        if acts_as:
            person = Person.objects.filter(username=acts_as).first()
            if person is None:
                raise CommandError(f"no user named {acts_as!r}")
        if found is None:
            if not create:
                raise CommandError(f"no client {client!r}; add --create to create it")
            code = code or slugify(client)
            if not code:
                raise CommandError("give the new client a --code (letters, digits, hyphens)")
            found = apiclient_create(name=client, code=code, contact=contact, acts_as=person)
            self.stdout.write(f"created client {found.name} (code {found.code})")
        elif person is not None and found.acts_as_id != person.pk:
            raise CommandError(f"client {found.name} already exists; change acts-as in the admin")
        if not found.is_active:
            raise CommandError(f"client {found.name} is disabled")
        api_key, key = apikey_issue(client=found, label=label)
        self.stdout.write(f"client: {found.name} · prefix: {api_key.prefix}")
        self.stdout.write("api_key (shown once, store it now):")
        self.stdout.write(key)

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        api_key = ApiKey.objects.select_related("client").filter(prefix=prefix).first()
        if api_key is None:
            raise CommandError(f"no key with prefix {prefix!r}")
        api_key = apikey_revoke(api_key=api_key)
        self.stdout.write(
            f"revoked {api_key.prefix} of {api_key.client.name} at {api_key.revoked_at}"
        )

    def _list(self, **_: Any) -> None:
        for client in ApiClient.objects.prefetch_related("keys"):
            state = "active" if client.is_active else "disabled"
            self.stdout.write(f"{client.name} ({client.code}, {state})")
            for k in client.keys.all():
                status = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "live"
                used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
                self.stdout.write(f"  {k.prefix}  {status:20}  last used {used}  {k.label}")
