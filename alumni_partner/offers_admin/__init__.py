"""The Offers admin (guide 4.1 "Dépôt d'offres", 4.2 "Mes offres").

- :mod:`.scope`: whose offers a user sees (its partners'; editors: everyone's);
- :mod:`.states`: an offer's state as a query condition, for filters and sorts;
- :mod:`.filters`: state, contract type, keywords (and partner);
- :mod:`.views`: "My offers" and "Expired and filled", "Post an offer", and
  the delete / fill / renew / duplicate / purge actions, which call
  :mod:`alumni_partner.offer_lifecycle`;
- :mod:`.components`: the offers statistics panel;
- :mod:`.hooks`: after "Publish", the main button, the dashboard panel;
- :mod:`.viewsets`: the viewset registered under ``/admin/offers/``.
"""
