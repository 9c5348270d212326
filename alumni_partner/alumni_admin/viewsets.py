"""What the alumni admin's record screens (imports, recipient lists) share."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.admin.viewsets.model import ModelViewSet

from ..conf import partner_settings


class AlumniRecordViewSet(ModelViewSet):
    """A ``ModelViewSet`` of records guarded by a policy, not model permissions.

    No copy screen and no reference index (nothing links to these rows); the
    index is paginated by ``ALUMNI_ADMIN_PER_PAGE``.
    """

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            paginate_by=partner_settings.ALUMNI_ADMIN_PER_PAGE, **kwargs
        )

    def get_permissions_to_register(self):
        # The policy reads the editors group or partner membership.
        return Permission.objects.none()
