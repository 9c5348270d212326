from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class AlumniPartnerConfig(AppConfig):
    """The partner space plugin."""

    name = "alumni_partner"
    label = "alumni_partner"
    verbose_name = _("Partner space")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (  # noqa: F401
            alumni_accounts,
            directory_signals,
            frontend_cache,
            signals,
            workflows,
        )
        from .mailing_admin.attachments import delete_attachment_file
        from .models import MailingAttachment
        from .permissions import upgrade_moderation_workflow
        from .schedules import ensure_schedules

        post_delete.connect(delete_attachment_file, sender=MailingAttachment)
        post_migrate.connect(ensure_schedules, sender=self)
        post_migrate.connect(upgrade_moderation_workflow, sender=self)
