"""E-mail templates, single e-mails out, mail in, campaigns and their recipients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.models import TimeStampedModel


class TemplateKind(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional (sent whatever the consent)"
    MARKETING = "marketing", "Marketing (only with consent, with an unsubscribe link)"


class EmailTemplate(TimeStampedModel):
    """Subject and body with ``{{ merge.fields }}``; see ``rapport.campaigns.merge_fields``."""

    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, help_text="Optional HTML alternative")
    kind = models.CharField(
        max_length=16, choices=TemplateKind.choices, default=TemplateKind.MARKETING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the template belongs to: the same visibility and write rules as records
    # (rapport.accounts.access), so a team's templates are its own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Handing to the mail server"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class OutboundEmail(models.Model):
    """One e-mail to one person, sent by the worker."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="outbound_emails"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template = models.ForeignKey(
        EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    to_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    message_id = models.CharField(max_length=255, unique=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    # Hand-offs tried so far; after a temporary refusal the worker tries again at
    # next_attempt_at (see rapport.campaigns.services.single).
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"], name="outbound_person_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address} ({self.status})"


class InboundSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded .eml"
    COMMAND = "command", "rapport mail ingest"
    IMAP = "imap", "IMAP mailbox"


class InboundEmail(models.Model):
    """A received message, logged once (by Message-ID) to the people it concerns."""

    message_id = models.CharField(max_length=255, unique=True)
    from_address = models.CharField(max_length=254, blank=True)
    to_addresses = models.TextField(blank=True)
    cc_addresses = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=InboundSource.choices)
    is_bounce = models.BooleanField(default=False)
    bounce_detail = models.CharField(max_length=300, blank=True)
    people = models.ManyToManyField("people.Person", blank=True, related_name="inbound_emails")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} from {self.from_address}"


class AudienceKind(models.TextChoices):
    SEGMENT = "segment", "A segment"
    STATIC = "static", "A fixed list of people"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


class Campaign(TimeStampedModel):
    name = models.CharField(max_length=200)
    template = models.ForeignKey(EmailTemplate, on_delete=models.PROTECT, related_name="campaigns")
    audience_kind = models.CharField(max_length=16, choices=AudienceKind.choices)
    segment = models.ForeignKey(
        "insights.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A static audience: ids picked (or the people-list filter resolved) when it was set.
    static_person_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the campaign belongs to: the same visibility and write rules as records
    # (rapport.accounts.access), so a team's campaigns are its own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who asked for it to be sent: it reaches only people they may see.
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    # Which worker is sending, until when (renewed every batch): a second runner stays
    # out while the lease is live, and takes over once the holder is gone.
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="campaign_due_idx")]

    def __str__(self) -> str:
        return self.name


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Next in line"  # in the batch a worker is sending
    SENDING = "sending", "Handing to the mail server"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The worker stopped between claiming the message and recording the mail server's
    # answer: it may have been delivered, so it is never sent again.
    UNCONFIRMED = "unconfirmed", "Unconfirmed (worker stopped mid-send; not re-sent)"
    SKIPPED = "skipped", "Skipped (no consent or no address)"
    BOUNCED = "bounced", "Bounced"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    REPLIED = "replied", "Replied"


class CampaignRecipient(models.Model):
    """One person in one campaign: at most one row, so at most one e-mail."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=16, choices=RecipientStatus.choices, default=RecipientStatus.QUEUED
    )
    message_id = models.CharField(max_length=255, unique=True)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="campaign_person_unique"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="recipient_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.person_id} {self.status}"


class MailboxState(models.Model):
    """How far the IMAP poller got in one mailbox folder (UIDs only grow within a UIDVALIDITY)."""

    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} @ {self.last_uid}"
