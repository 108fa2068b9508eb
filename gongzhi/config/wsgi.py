"""WSGI entry point: `gunicorn gongzhi.config.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")
application = get_wsgi_application()

# The garbage collector, tuned for a server process (GONGZHI_GC_TUNING=0 leaves Python's
# defaults): what was loaded at start-up (Django, the apps, their modules) lives as long as the
# process, so it is frozen out of the collector's scans; and a full collection runs less
# often, after more allocations than the default 700. A request allocates a few thousand
# objects, so with the defaults a worker paused for collections every few requests: the
# intake benchmark's p99 fell from 604 to 172 ms with this (docs/intake-bench.md).
if os.environ.get("GONGZHI_GC_TUNING", "1") != "0":
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
