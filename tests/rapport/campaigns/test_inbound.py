"""Incoming mail: logged once to the people it concerns; bounces and replies recognised.

The messages are real-world shaped (a Thunderbird reply, a Postfix DSN) in data/;
the IMAP test runs Debian's dovecot on loopback when it is installed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rapport.activities.models import ActivityLink
from rapport.campaigns.conf import ImapConfig
from rapport.campaigns.models import (
    Campaign,
    CampaignRecipient,
    InboundEmail,
    MessageStatus,
    OutboundEmail,
    RecipientStatus,
)
from rapport.campaigns.services.imap import poll_mailbox
from rapport.campaigns.services.inbound import ingest
from rapport.campaigns.services.templates import template_create
from tests.rapport.campaigns.conftest import free_port

DATA = Path(__file__).parent / "data"


def eml(name: str, **values: str) -> bytes:
    text = (DATA / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@pytest.fixture
def ana(make_person: Any) -> Any:
    return make_person(first_name="Ana", emails=["work@example.org", "ana@example.com"])


@pytest.fixture
def sent_campaign(workspace: Any, ana: Any) -> CampaignRecipient:
    template = template_create(actor=workspace.admin, data={
        "name": "N", "kind": "marketing", "subject": "News", "body_text": "Hi"})  # fmt: skip
    campaign = Campaign.objects.create(name="C", template=template, audience_kind="static",
                                       status="sent", created_by=workspace.admin)  # fmt: skip
    return CampaignRecipient.objects.create(campaign=campaign, person=ana, email="ana@example.com",
                                            status="sent", message_id="<rapport.c1.p1.x@example.com>")  # fmt: skip


def test_a_reply_is_logged_to_everyone_it_concerns_and_marks_the_campaign_replied(
    workspace: Any, ana: Any, make_person: Any, sent_campaign: CampaignRecipient
) -> None:
    bob = make_person(first_name="Bob", emails=["bob@example.com"])
    make_person(first_name="Stranger", emails=["stranger@example.com"])
    # When Ana's reply to the campaign (Cc Bob) is ingested
    inbound, created = ingest(
        eml("reply.eml", in_reply_to=sent_campaign.message_id), source="upload"
    )
    # Then it is logged once, to Ana (From, any of her addresses, any case) and Bob (Cc)
    assert created and inbound.message_id == "<CAF=reply.0001@mail.example.com>"
    assert set(inbound.people.all()) == {ana, bob}
    assert "count me in for the tasting" in inbound.body_text
    assert ActivityLink.objects.filter(kind="email_in", person__in=[ana, bob]).count() == 2
    # And Ana's campaign row says she replied
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == RecipientStatus.REPLIED
    # And the same message again (IMAP after an upload) changes nothing
    again, created = ingest(eml("reply.eml", in_reply_to=sent_campaign.message_id), source="imap")
    assert not created and again.pk == inbound.pk and InboundEmail.objects.count() == 1


def test_a_delivery_failure_report_marks_the_message_bounced(
    workspace: Any, make_person: Any
) -> None:
    gone = make_person(first_name="Gone", emails=["gone@example.com"])
    single = OutboundEmail.objects.create(person=gone, kind="transactional", to_address="gone@example.com",
                                          subject="Hi", body_text="x", status="sent", message_id="<m.1@example.com>")  # fmt: skip
    inbound, _ = ingest(eml("bounce.eml", original="<m.1@example.com>"), source="upload")
    assert inbound.is_bounce and "User unknown" in inbound.bounce_detail
    single.refresh_from_db()
    assert single.status == MessageStatus.BOUNCED and "5.1.1" in single.error


def test_a_bounce_of_a_campaign_email_marks_the_recipient(sent_campaign: CampaignRecipient) -> None:
    ingest(eml("bounce.eml", original=sent_campaign.message_id), source="upload")
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == RecipientStatus.BOUNCED


def test_the_ingest_command_logs_files(tmp_path: Path, ana: Any, sent_campaign: Any) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(eml("reply.eml", in_reply_to="<nothing@example.com>"))
    out = StringIO()
    call_command("mail", "ingest", str(path), str(path), stdout=out)
    assert InboundEmail.objects.count() == 1
    assert "1 new" in out.getvalue()


@dataclass
class Dovecot:
    port: int
    user: str
    password: str

    def config(self) -> ImapConfig:
        return ImapConfig(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                          folder="INBOX", ssl=False)  # fmt: skip


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """Debian's dovecot on a free loopback port, configured in a temporary folder."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is not installed (apt-get install dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
    os.chmod(root, 0o755)  # noqa: S103 - dovecot's unprivileged processes must reach it
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    port = free_port()
    if os.getuid() == 0:  # dovecot will not run mail processes as root
        account = pwd.getpwnam("dovecot")
        uid, gid, login_user, internal_user = account.pw_uid, account.pw_gid, "dovenull", "dovecot"
        os.chown(root / "home", uid, gid)
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        uid, gid, login_user, internal_user = os.getuid(), os.getgid(), me, me
    (root / "dovecot.conf").write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = rapport-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
""")
    subprocess.run([binary, "-c", str(root / "dovecot.conf")], check=True)
    pid_file = root / "run" / "master.pid"
    try:
        import imaplib

        deadline = time.monotonic() + 10
        while True:
            try:
                imaplib.IMAP4("127.0.0.1", port).logout()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Dovecot(port=port, user="crm", password="secret")
    finally:
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 15)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)


def test_the_worker_logs_new_mail_from_an_imap_mailbox_once(
    dovecot: Dovecot, ana: Any, make_person: Any, sent_campaign: CampaignRecipient
) -> None:
    import imaplib

    make_person(first_name="Gone", emails=["gone@example.com"])
    mailbox = imaplib.IMAP4("127.0.0.1", dovecot.port)
    mailbox.login(dovecot.user, dovecot.password)
    mailbox.append("INBOX", None, None, eml("reply.eml", in_reply_to=sent_campaign.message_id))
    # When the worker polls
    assert poll_mailbox(dovecot.config()) == 1
    # Then Ana's reply is logged and her campaign row says so
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == RecipientStatus.REPLIED
    # When a bounce arrives and the worker polls twice
    mailbox.append("INBOX", None, None, eml("bounce.eml", original=sent_campaign.message_id))
    assert poll_mailbox(dovecot.config()) == 1
    assert poll_mailbox(dovecot.config()) == 0
    # Then each message was logged once, and the mailbox was only read (still unread)
    assert InboundEmail.objects.count() == 2
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == RecipientStatus.BOUNCED
    mailbox.select("INBOX")
    _, unseen = mailbox.search(None, "UNSEEN")
    assert len(unseen[0].split()) == 2
    mailbox.logout()
