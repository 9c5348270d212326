"""Mailings (guide 6): recipients, rendering, sending and what came back.

- :mod:`.recipients`: followers, saved lists, typed addresses and files merged,
  cleaned and checked against consent and unsubscriptions;
- :mod:`.rendering`: one recipient's e-mail, and the preview;
- :mod:`.engine`: the sending engine on django-q2;
- :mod:`.tracking`: signed links for the open pixel and the unsubscribe page;
- :mod:`.lifecycle`: the states and who may move a mailing between them.
"""
