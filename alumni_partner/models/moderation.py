"""The editors' approval step of a moderated partner's workflow."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, TaskState


class PartnerModerationTask(GroupApprovalTask):
    """Editors approve what the partner moderates; the rest passes at once.

    A workflow covers a whole subtree, but an editor may moderate a partner's
    news and not its offers (DESIGN.md §10). The partner's group then lacks
    ``publish`` on the whole subtree, so an offer is *submitted* too; this task
    approves it on the spot and Wagtail's workflow publishes it.
    """

    class Meta:
        verbose_name = _("partner moderation task")
        verbose_name_plural = _("partner moderation tasks")

    def start(self, workflow_state, user=None):
        from .partners import Partner

        page = workflow_state.content_object
        partner = Partner.for_page(page)
        if partner is None or partner.moderates(page):
            return super().start(workflow_state, user=user)
        # Approved without telling the editors: nothing waits for them.
        task_state = self.get_task_state_class()(
            workflow_state=workflow_state,
            task=self,
            revision=page.get_latest_revision(),
            status=TaskState.STATUS_APPROVED,
            finished_at=timezone.now(),
            finished_by=user,
            comment=str(
                _("Approved automatically: this partner's offers are not moderated.")
            ),
        )
        task_state.save()
        return task_state
