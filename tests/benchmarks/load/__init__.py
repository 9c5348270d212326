"""The load test: gunicorn and qcluster on PostgreSQL + Redis under locust (run_load.py)."""
