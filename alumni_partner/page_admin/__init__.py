"""What the News and Offers admins share: one implementation each.

- :mod:`.scope`: whose pages a user sees (its partners'; editors: everyone's);
- :mod:`.filters`: the "Partner" filter and the report of malformed filters;
- :mod:`.listing`: sorting, per-row counts and the "back to this list" URL;
- :mod:`.actions`: a confirmation page (GET) and its action (POST);
- :mod:`.publishing`: after "Publish", back to the list with a message;
  which action-menu button is the main one;
- :mod:`.statistics`: the statistics panel and its server-rendered chart.
"""
