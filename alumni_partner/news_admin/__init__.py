"""The "News" admin (guide 3.1, 3.3, 3.4): tabs, lists, actions, statistics.

- :mod:`.scope`: whose news a user sees (its partners'; editors: everyone's);
- :mod:`.filters`: period, type, keywords (and partner, for editors);
- :mod:`.views`: the published and archived lists, the partner chooser of
  "Create a news", and the archive / restore / delete confirmations, which
  call :mod:`alumni_partner.news_lifecycle`;
- :mod:`.components`: the statistics panel and its server-rendered chart;
- :mod:`.viewsets`: the viewset registered under ``/admin/news/``.
"""
