"""gunicorn's settings for the site (docs/deploy.md).

    gunicorn --config site/gunicorn.conf.py alumni_site.wsgi

Everything can be changed from the environment: ``PORT`` or ``GUNICORN_BIND``,
``WEB_CONCURRENCY`` (worker processes), ``GUNICORN_THREADS``,
``GUNICORN_TIMEOUT``, ``FORWARDED_ALLOW_IPS``.
"""

import os

# The production settings unless told otherwise: gunicorn serves production.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alumni_site.settings.production")

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Sync workers: Django and psycopg block; one request per process at a time.
# Two per core is a good start on these machines; measure before going higher
# (each worker holds one PostgreSQL connection, CONN_MAX_AGE keeps it open).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer is killed (the worker is replaced): a slow page
# must not hold a worker for ever. Mailings and imports run in qcluster.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a load balancer or nginx that reuses connections.
keepalive = 5
# A fresh worker now and then bounds the memory a long-lived one may grow to;
# the jitter keeps workers from all restarting at once.
max_requests = 2000
max_requests_jitter = 200
# The proxy's X-Forwarded-* headers are trusted from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# One line per request on stdout, errors on stderr: journald or the platform
# collects both.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# Names the processes in ps and top.
proc_name = "alumni-web"
# gunicorn 27's control socket is one file per user (~/.gunicorn/): a second
# gunicorn on the machine, as during a blue/green upgrade, would take it over.
# Signals (HUP to reload, TERM to stop) are all this deployment uses.
control_socket_disable = True
