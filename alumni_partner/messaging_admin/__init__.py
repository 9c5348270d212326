"""The admin around messages (guide 7, "Mes messages"), beside the public inbox.

- Partner users: "Mes messages" with the count of unread conversations, in
  the sidebar's main menu and its account menu, and a dashboard panel
  (:mod:`.menus`, :mod:`.panels`, :mod:`.partner_inbox`). They open the
  public site's inbox of the partner's mailbox: one inbox for everyone.
- Editors: the reported messages and the suspended senders
  (:mod:`.reports`, :mod:`.suspensions`, :mod:`.viewsets`).

:func:`.hooks.register` registers all of it with Wagtail.
"""
