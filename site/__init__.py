"""The demo project running the alumni_partner plugin (package ``alumni_site``)."""
