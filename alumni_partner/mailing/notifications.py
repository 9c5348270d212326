"""E-mails around a mailing's validation (guide 6: "il ne partira qu'après validation").

- submitted: the editors who may validate it get a link to its review page;
- approved or rejected: the partner's user who prepared it learns the outcome,
  with the editor's comment.

:mod:`.lifecycle` calls :func:`notify_submitted` and :func:`notify_reviewed` when
the step happened; the message leaves from a django-q2 worker once
the transaction is committed (as the project's other e-mails do), in each
recipient's admin language. django-q2 may deliver a task twice (DESIGN.md
§10): a notification read twice is harmless, so these tasks are not guarded.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_admin_base_url

from ..conf import partner_settings
from ..models.mailings import Mailing, MailingStatus

NAMESPACE = "alumni_partner_mailings"


def notify_submitted(mailing: Mailing) -> None:
    """Tell the editors, once committed, that ``mailing`` awaits their validation."""
    _enqueue("send_submitted", mailing)


def notify_reviewed(mailing: Mailing) -> None:
    """Tell the author, once committed, that ``mailing`` was approved or rejected."""
    _enqueue("send_reviewed", mailing)


def _enqueue(task: str, mailing: Mailing) -> None:
    from django_q.tasks import async_task

    pk = mailing.pk
    transaction.on_commit(
        lambda: async_task(
            f"alumni_partner.mailing.notifications.{task}",
            pk,
            task_name=f"mailing-{task}-{pk}",
            group="mailing_notifications",
        )
    )


# --- who is told ---------------------------------------------------------------


def editors_to_notify(mailing: Mailing):
    """Active editors with an address, but not the mailing's partner's own members."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return (
        users.filter(
            Q(is_superuser=True) | Q(groups__name=partner_settings.EDITORS_GROUP)
        )
        .exclude(pk__in=mailing.partner.members.values("pk"))
        .distinct()
        .order_by("pk")
    )


def authors_to_notify(mailing: Mailing) -> list:
    """Who prepared the mailing; its partner's active users if that one has left."""
    author = mailing.created_by
    if author is not None and author.is_active and author.email:
        return [author]
    return list(mailing.partner.members.filter(is_active=True).exclude(email=""))


def preferred_language(user) -> str:
    """The language the user chose for the admin, else the site's."""
    from wagtail.users.models import UserProfile

    chosen = (
        UserProfile.objects.filter(user=user)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return chosen or settings.LANGUAGE_CODE


# --- the tasks -----------------------------------------------------------------


def _admin_url(name: str, pk: int) -> str:
    return get_admin_base_url() + reverse(f"{NAMESPACE}:{name}", args=[pk])


def _messages(users, template: str, subject, context) -> list[EmailMessage]:
    """One message per user, each in the user's language (``subject`` is a callable)."""
    messages = []
    for user in users:
        with translation.override(preferred_language(user)):
            body = render_to_string(template, {**context, "user": user})
            # One line: a header never carries a line break.
            title = " ".join(str(subject()).split())
            messages.append(EmailMessage(subject=title, body=body, to=[user.email]))
    return messages


def _send(messages: list) -> int:
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def send_submitted(mailing_id: int) -> int:
    """The task: e-mail the editors a link to review the mailing. How many were sent."""
    mailing = (
        Mailing.objects.select_related("partner", "created_by")
        .filter(pk=mailing_id, status=MailingStatus.SUBMITTED)
        .first()
    )
    if mailing is None:  # deleted, or already decided: nothing to ask for
        return 0
    context = {
        "mailing": mailing,
        "review_url": _admin_url("review", mailing.pk),
        "queue_url": get_admin_base_url() + reverse(f"{NAMESPACE}:validation"),
    }

    def subject():
        return _("Mailing to validate: %(subject)s (%(partner)s)") % {
            "subject": mailing.subject,
            "partner": mailing.partner.name,
        }

    return _send(
        _messages(
            editors_to_notify(mailing),
            "alumni_partner/emails/mailing_submitted.txt",
            subject,
            context,
        )
    )


def send_reviewed(mailing_id: int) -> int:
    """The task: e-mail the author the editors' decision. How many were sent."""
    mailing = (
        Mailing.objects.select_related("partner", "created_by", "reviewed_by")
        .filter(pk=mailing_id)
        .first()
    )
    if mailing is None or mailing.reviewed_at is None:
        return 0
    rejected = mailing.status == MailingStatus.REJECTED
    template = "mailing_rejected.txt" if rejected else "mailing_approved.txt"
    context = {
        "mailing": mailing,
        "detail_url": _admin_url("detail", mailing.pk),
        "comment": mailing.review_comment.strip(),
    }

    def subject():
        if rejected:
            text = _("Your mailing was not approved: %(subject)s")
        else:
            text = _("Your mailing was approved: %(subject)s")
        return text % {"subject": mailing.subject}

    return _send(
        _messages(
            authors_to_notify(mailing),
            f"alumni_partner/emails/{template}",
            subject,
            context,
        )
    )
