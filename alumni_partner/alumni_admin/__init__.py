"""The alumni side of the admin: imports, the editors' directory, recipient lists.

- :mod:`.policies`: who may use each screen (editors; a partner's users for
  their partner's lists), as Wagtail permission policies;
- :mod:`.imports`: "Imports d'alumni" (upload, progress, error report,
  template), over :mod:`alumni_partner.alumni_import`;
- :mod:`.directory`: the editors' directory and its CSV export, over
  :mod:`alumni_partner.directory`;
- :mod:`.recipients`: "Listes de destinataires": list, members, rename, delete;
- :mod:`.menus`: the "Annuaire" and "Mailing" menus, and the partners' link to
  the public directory.
"""
