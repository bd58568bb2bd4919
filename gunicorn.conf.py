"""gunicorn in production: ``make serve`` (or ``gunicorn -c gunicorn.conf.py wsgi:app``).

Every setting can be changed from the environment without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
# requests spend much of their time waiting on the database: a few threaded workers per core
workers = int(os.environ.get("TRACKER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("TRACKER_THREADS", "4"))
timeout = int(os.environ.get("TRACKER_WORKER_TIMEOUT", "60"))  # a stuck worker is killed and replaced
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then, so a slow leak cannot grow without bound
max_requests_jitter = 500
limit_request_line = 8190
accesslog = "-"  # access log to stdout, errors to stderr: the service manager keeps them
errorlog = "-"
loglevel = os.environ.get("TRACKER_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
control_socket_disable = True  # gunicorn 27 would otherwise create ~/.gunicorn/ for a control socket
proc_name = "commitment-tracker"
# gunicorn itself believes X-Forwarded-Proto (and friends) only from these addresses. With no proxy in
# front (TRACKER_PROXY_HOPS=0, the default) it believes no one, so a client on the same machine cannot
# claim https; with proxies, only the proxy's address (TRACKER_FORWARDED_ALLOW_IPS, default loopback).
proxy_hops = int(os.environ.get("TRACKER_PROXY_HOPS") or 0)
forwarded_allow_ips = os.environ.get("TRACKER_FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if proxy_hops > 0 else ""
