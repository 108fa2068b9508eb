"""Client systems that call our APIs, their keys, and what they submitted through Open311.

An ApiClient is a named system (a city app, a partner hotline, the load generator) that an
administrator lets in. It holds any number of ApiKeys; only a SHA-256 hash of each key is
stored, so a lost key is revoked and a new one issued, never recovered. A key looks like
`gz_1a2b3c4d_<43 random characters>`: the prefix finds the row, the hash proves the rest.

An order that came through a client carries `source = client.source` ("api:<code>"); the
domain keeps one order per source and idempotency key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.workorders.models import Channel


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=96, unique=True)
    # Stable and short: orders from this client carry source "api:<code>".
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    contact = models.CharField(_("联系人与联系方式"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # The channel its Open311 requests are filed under (an app, a WeChat service, riders' app).
    channel = models.CharField(
        _("渠道"), max_length=16, choices=Channel.choices, default=Channel.APP
    )
    # A system that uses the native staff API acts as this person: their roles and scope apply.
    # Open311 intake needs no such person.
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("代表人员"),
        help_text=_("调用工作人员接口时以此人员的角色和范围办理；仅调用 Open311 时可留空。"),
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        return f"api:{self.code}"


class ApiKey(models.Model):
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="keys", verbose_name=_("客户端")
    )
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    # hex SHA-256 of the whole key; the key itself is shown once and never stored.
    secret_hash = models.CharField(_("密钥摘要"), max_length=64)
    label = models.CharField(_("用途"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("吊销人"),
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} · {self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
