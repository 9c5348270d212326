"""A database and a cache that nothing answers: real connections, refused.

The outage and health tests need PostgreSQL or Redis to fail the way they fail
while restarting, without stopping the services every other test uses. A port
that was free a moment ago has no listener, so a real client connecting to it
is refused at once, exactly as during a restart::

    settings.CACHES = unreachable_caches()
    unreachable_database().cursor()     # django.db.OperationalError
"""

from __future__ import annotations

import socket


def closed_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_caches() -> dict:
    """``CACHES`` whose default is Django's Redis backend on a closed port."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def unreachable_database():
    """A database connection, of the PostgreSQL backend, to a closed port.

    A copy of the default connection's settings pointed at nothing, outside
    ``DATABASES`` (Django's test case lets such a connection be made from any
    thread): connecting raises Django's real ``OperationalError``. Close it
    after use.
    """
    from django.db import connections
    from django.db.utils import load_backend

    config = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "unreachable",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(closed_port()),
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
    }
    return load_backend(config["ENGINE"]).DatabaseWrapper(config, "unreachable")
