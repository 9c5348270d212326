"""The alumni directory (guide 5): search, facets, what members see, lists.

The public API other parts of the plugin use::

    from alumni_partner.directory import (
        DirectorySearchForm, facets, member_view, export_row, EXPORT_FIELDS,
    )

    form = DirectorySearchForm(request.GET or None)
    profiles = form.results()          # listed profiles found, ordered
    counts = facets(form.matching())   # per country, degree, decade...
    member_view(profile)               # [(label, text)] of the visible fields

Modules: ``search`` (the form and the criteria), ``facets``, ``presentation``
(what a member sees of a profile), ``access`` (who may read and contact),
``lists`` (saving a search as a recipient list), ``versions`` (the cache
version of the whole directory's figures).
"""

from .access import Viewer
from .facets import (
    Facet,
    FacetItem,
    directory_count,
    directory_facets,
    directory_size,
    facets,
)
from .lists import DuplicateListName, RecipientListForm, save_recipient_list
from .presentation import (
    EXPORT_FIELDS,
    MEMBER_VIEW_FIELDS,
    export_header,
    export_row,
    member_values,
    member_view,
    photo_url,
    prepare_results,
    sector_names,
)
from .search import SORTS, DirectorySearchForm, visible_graduation_year
from .versions import directory_version, renew_directory_version

__all__ = [
    "EXPORT_FIELDS",
    "MEMBER_VIEW_FIELDS",
    "SORTS",
    "DirectorySearchForm",
    "DuplicateListName",
    "Facet",
    "FacetItem",
    "RecipientListForm",
    "Viewer",
    "directory_count",
    "directory_facets",
    "directory_size",
    "directory_version",
    "export_header",
    "export_row",
    "facets",
    "member_values",
    "member_view",
    "photo_url",
    "prepare_results",
    "renew_directory_version",
    "save_recipient_list",
    "sector_names",
    "visible_graduation_year",
]
