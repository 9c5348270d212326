"""Development settings: debug on, mail printed to the console unless SMTP is set."""

import os

from .base import *

DEBUG = True
ALLOWED_HOSTS = ["*"]
if "EMAIL_BACKEND" not in os.environ and "EMAIL_HOST" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
