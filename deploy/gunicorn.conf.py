"""gunicorn's settings for the planner's web processes: `gunicorn -c deploy/gunicorn.conf.py planner.wsgi`.

Read from the same environment as the planner (README, "Production deployment"). Each web machine runs one
gunicorn; nginx (deploy/nginx.conf) or the load balancer in front of it terminates TLS.
"""

import multiprocessing
import os

# Loopback by default: nginx on the same machine forwards to it. Behind a load balancer reaching the machine
# directly, bind the private address (PLANNER_BIND=10.0.0.11:8000) and firewall the port to the balancer.
bind = os.environ.get("PLANNER_BIND", "127.0.0.1:8000")
# Processes times threads is how many requests one machine serves at once; requests mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# Uploads of large videos are read by Django in chunks; a slow client is nginx's to buffer, not gunicorn's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once): bounds any slow leak.
max_requests = 2000
max_requests_jitter = 200
# Only the proxy in front may say which address and scheme the visitor used.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application is loaded once, before the workers fork: a broken configuration stops the start at once.
preload_app = True
wsgi_app = "planner.wsgi:application"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'planner.settings_production')}"]

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if os.environ.get("PLANNER_LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
        '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, "user_agent": "%(a)s"}'
    )
