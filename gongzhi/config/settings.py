"""Settings for 共治. Everything comes from the environment, with defaults that run the demo.

See README.md, "Settings", for the variables. Nothing here is only for production: the demo
runs the same code paths with the embedded SQLite database and the database task queue.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from gongzhi.config.env import env_bool, env_float, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(env_str("GONGZHI_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("GONGZHI_DEBUG", False)
# The demo key is only good for a machine nobody else reaches; production sets its own.
SECRET_KEY = env_str("GONGZHI_SECRET_KEY", "gongzhi-demo-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env_list("GONGZHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("GONGZHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "gongzhi.web",
    "gongzhi.places",
    "gongzhi.accounts",
    # Before workorders: its `bench` command serves `bench insights` and hands the other
    # benchmarks on to the workorders command (Django takes the first app's command).
    "gongzhi.insights",
    "gongzhi.workorders",
    "gongzhi.dispatch",
    "gongzhi.open311",
    "gongzhi.notifications",
    "gongzhi.deliberation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the person picked English with the switcher (Accept-Language ignored).
    "gongzhi.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongzhi.config.urls"
WSGI_APPLICATION = "gongzhi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite embedded by default, PostgreSQL through DATABASE_URL ---------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("GONGZHI_DB_CONN_MAX_AGE", 60)
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("GONGZHI_SQLITE_PATH", str(DATA_DIR / "gongzhi.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the task worker writes; IMMEDIATE makes a
                # write transaction take its lock up front instead of failing half-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the hot statements (an intake's write and its duplicate search) are prepared
# once per connection (gongzhi/web/db.py). Off for a connection pooler that cannot keep
# prepared statements (PgBouncer in transaction mode before 1.21, or without
# max_prepared_statements): the same statements are then planned each time.
GONGZHI_DB_PREPARED_STATEMENTS = env_bool("GONGZHI_DB_PREPARED_STATEMENTS", True)

# --- Accounts and security -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = ["gongzhi.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# After this many failed logins in a row, an account is locked for the lock-out period.
LOGIN_MAX_FAILURES = env_int("GONGZHI_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("GONGZHI_LOGIN_LOCKOUT_MINUTES", 15)

HTTPS = env_bool("GONGZHI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("GONGZHI_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("GONGZHI_SESSION_BROWSER_CLOSE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and env_bool("GONGZHI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: everything served by the project itself, nothing from a CDN --------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves static files from the app server itself, with or without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG


def _xstatic_dir(module: str) -> str:
    import importlib

    return str(importlib.import_module(module).BASE_DIR)


STATICFILES_DIRS = [("vendor/leaflet", _xstatic_dir("xstatic.pkg.leaflet"))]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("GONGZHI_MEDIA_ROOT", str(DATA_DIR / "media")))

# --- Background tasks: database queue by default, RQ on Redis in production ----------------
TASKS_BACKEND = env_str("GONGZHI_TASKS_BACKEND", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ValueError(
        f"GONGZHI_TASKS_BACKEND={TASKS_BACKEND!r}; choose one of {sorted(_TASK_BACKENDS)}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# --- Place registry ---------------------------------------------------------------------------
# The district the demo builds and the place browser centres on (12-digit official code).
GONGZHI_DISTRICT_CODE = env_str("GONGZHI_DISTRICT_CODE", "110105000000")
GONGZHI_TILE_URL = env_str("GONGZHI_TILE_URL", "")  # an optional local tile server
# The datum of that tile server: "wgs84" or "gcj02" (most Chinese tile sets). Geometry is
# stored in WGS-84 and converted for the map at the edge when the tiles are GCJ-02.
GONGZHI_TILE_CRS = env_str("GONGZHI_TILE_CRS", "wgs84")
if GONGZHI_TILE_CRS not in ("wgs84", "gcj02"):
    raise ValueError(f"GONGZHI_TILE_CRS={GONGZHI_TILE_CRS!r}; choose wgs84 or gcj02")
GONGZHI_TILE_ATTRIBUTION = env_str("GONGZHI_TILE_ATTRIBUTION", "")
GONGZHI_WALK_SPEED_M_PER_MIN = env_float("GONGZHI_WALK_SPEED_M_PER_MIN", 80.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGZHI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
GONGZHI_PLACE_INDEX_TTL = env_int("GONGZHI_PLACE_INDEX_TTL", 300)

# --- 接诉即办: work orders (gongzhi.workorders, gongzhi.notifications) -----------------------
# Default time limits for a category × urgency without a TimeLimit row: (amount, unit), unit
# "hours" (clock hours) or "working_days" (whole working days after the day received, see
# gongzhi/workorders/sla.py).
GONGZHI_TIME_LIMITS = {
    "normal": {
        "contact": (env_int("GONGZHI_CONTACT_HOURS", 24), "hours"),
        "resolve": (env_int("GONGZHI_RESOLVE_WORKING_DAYS", 7), "working_days"),
    },
    "urgent": {
        "contact": (env_int("GONGZHI_URGENT_CONTACT_HOURS", 2), "hours"),
        "resolve": (env_int("GONGZHI_URGENT_RESOLVE_WORKING_DAYS", 2), "working_days"),
    },
    "emergency": {
        "contact": (env_int("GONGZHI_EMERGENCY_CONTACT_HOURS", 1), "hours"),
        "resolve": (env_int("GONGZHI_EMERGENCY_RESOLVE_HOURS", 24), "hours"),
    },
}
# Warn this long before a deadline (never earlier than half-way through the limit).
GONGZHI_CONTACT_WARNING_MINUTES = env_int("GONGZHI_CONTACT_WARNING_MINUTES", 120)
GONGZHI_RESOLVE_WARNING_HOURS = env_int("GONGZHI_RESOLVE_WARNING_HOURS", 24)
# Emergency period: category codes (and their descendants) lifted to first priority, e.g.
# "heating" in a cold wave.
GONGZHI_EMERGENCY_PERIOD_CATEGORIES = env_list("GONGZHI_EMERGENCY_PERIOD_CATEGORIES", [])
# Dispatch by the responsibility matrix at intake when a rule places the order.
GONGZHI_AUTO_DISPATCH = env_bool("GONGZHI_AUTO_DISPATCH", True)
# Whistles (吹哨报到): a summoned department reports in within hours, acts within working days.
GONGZHI_WHISTLE_REPORT_HOURS = env_int("GONGZHI_WHISTLE_REPORT_HOURS", 2)
GONGZHI_WHISTLE_ACTION_WORKING_DAYS = env_int("GONGZHI_WHISTLE_ACTION_WORKING_DAYS", 3)
GONGZHI_EXTENSION_MAX_WORKING_DAYS = env_int("GONGZHI_EXTENSION_MAX_WORKING_DAYS", 15)
# Photos at intake: JPEG, PNG or WebP by content, at most this many of at most this size.
GONGZHI_PHOTO_MAX_BYTES = env_int("GONGZHI_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
GONGZHI_PHOTO_MAX_COUNT = env_int("GONGZHI_PHOTO_MAX_COUNT", 6)
# The three rates (三率) and the composite score: weights sum to 1; 基本满意 counts as this
# fraction of 满意 in the satisfaction rate; grades by composite score, highest first.
GONGZHI_RATE_WEIGHTS = {
    "response": env_float("GONGZHI_RATE_WEIGHT_RESPONSE", 0.10),
    "resolution": env_float("GONGZHI_RATE_WEIGHT_RESOLUTION", 0.45),
    "satisfaction": env_float("GONGZHI_RATE_WEIGHT_SATISFACTION", 0.45),
}
GONGZHI_SATISFACTION_WEIGHTS = {
    "satisfied": 1.0,
    "basically": env_float("GONGZHI_BASICALLY_SATISFIED_WEIGHT", 0.8),
    "unsatisfied": 0.0,
}
GONGZHI_GRADE_THRESHOLDS = [
    ("excellent", env_float("GONGZHI_GRADE_EXCELLENT", 95.0)),
    ("good", env_float("GONGZHI_GRADE_GOOD", 90.0)),
    ("fair", env_float("GONGZHI_GRADE_FAIR", 85.0)),
    ("poor", 0.0),
]
# Notifications: retries with exponential backoff.
# The channel that carries text messages to a phone ("console" stands in for SMS and WeChat
# until their adapters exist; see gongzhi/notifications/channels.py).
GONGZHI_SMS_CHANNEL = env_str("GONGZHI_SMS_CHANNEL", "console")
GONGZHI_NOTIFY_MAX_ATTEMPTS = env_int("GONGZHI_NOTIFY_MAX_ATTEMPTS", 5)
GONGZHI_NOTIFY_BACKOFF_SECONDS = env_int("GONGZHI_NOTIFY_BACKOFF_SECONDS", 30)
# The intake benchmark's floor views (a no-op view and a raw-SQL bare write) under /bench/;
# only `gongzhi bench intake` turns this on, for the server it starts.
GONGZHI_BENCH_FLOORS = env_bool("GONGZHI_BENCH_FLOORS", False)

# --- 共商共治: deliberation (gongzhi.deliberation) --------------------------------------------
# Quorum: at least this fraction of the place's serving representatives signed in (a fraction
# like "2/3", or a decimal). Votes are refused below it.
GONGZHI_DELIBERATION_QUORUM = env_str("GONGZHI_DELIBERATION_QUORUM", "2/3")
# Public notice (公示) of a resolution: calendar days before the case may move on to act.
GONGZHI_DELIBERATION_NOTICE_DAYS = env_int("GONGZHI_DELIBERATION_NOTICE_DAYS", 5)
# Evaluation: the window residents and representatives have to rate a finished project, the
# mean score (1–5) at or above which it closes (below: reopened), the fewest ratings needed
# to decide, and the score of each of the three words.
GONGZHI_DELIBERATION_EVALUATION_DAYS = env_int("GONGZHI_DELIBERATION_EVALUATION_DAYS", 14)
GONGZHI_DELIBERATION_EVALUATION_THRESHOLD = env_float(
    "GONGZHI_DELIBERATION_EVALUATION_THRESHOLD", 4.0
)
GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS = env_int(
    "GONGZHI_DELIBERATION_EVALUATION_MIN_RATINGS", 3
)
GONGZHI_DELIBERATION_RATING_SCORES = {"satisfied": 5, "basically": 4, "unsatisfied": 1}
# Projects: warn the responsible units this many days before the deadline; spending may go
# over a budget line's plan by at most this fraction (every overrun is flagged).
GONGZHI_DELIBERATION_WARNING_DAYS = env_int("GONGZHI_DELIBERATION_WARNING_DAYS", 7)
GONGZHI_DELIBERATION_BUDGET_OVERRUN = env_float("GONGZHI_DELIBERATION_BUDGET_OVERRUN", 0.10)

# --- 分析研判: insights (gongzhi.insights) --------------------------------------------------
# Roll-ups: the refresh job applies at most this many events per run; an event id skipped
# because its transaction was still open is retried for this long, then given up (a rollback).
GONGZHI_INSIGHTS_REFRESH_BATCH = env_int("GONGZHI_INSIGHTS_REFRESH_BATCH", 20000)
GONGZHI_INSIGHTS_GAP_GRACE_SECONDS = env_int("GONGZHI_INSIGHTS_GAP_GRACE_SECONDS", 600)
# The CJK font of the PDF reports: a TrueType .ttf/.ttc path ("path#N" for a face of a
# collection); empty: Debian's fonts-wqy-microhei and others, then reportlab's STSong-Light.
GONGZHI_PDF_FONT = env_str("GONGZHI_PDF_FONT", "")
# PostgreSQL work_mem for a full rebuild's transaction (its GROUP BYs and sorts).
GONGZHI_INSIGHTS_REBUILD_WORK_MEM = env_str("GONGZHI_INSIGHTS_REBUILD_WORK_MEM", "256MB")
# Grades of the monthly ranking (insights/rankings.py says how they are given): only units and
# places with at least MIN_ORDERS counted orders are graded or marked; 先进 (advanced) needs a
# composite of ADVANCED_MIN and a place in the top ADVANCED_SHARE; 进步 (improved) a composite
# up by IMPROVED_MIN_DELTA points on last month, among the IMPROVED_SHARE most improved;
# 整改 (rectify) a composite below RECTIFY_BELOW or a place at the bottom of the list;
# 治理类 (govern) a composite below GOVERN_BELOW, or at the bottom two months running.
GONGZHI_INSIGHTS_MIN_ORDERS = env_int("GONGZHI_INSIGHTS_MIN_ORDERS", 10)
GONGZHI_INSIGHTS_ADVANCED_MIN = env_float("GONGZHI_INSIGHTS_ADVANCED_MIN", 95.0)
GONGZHI_INSIGHTS_ADVANCED_SHARE = env_float("GONGZHI_INSIGHTS_ADVANCED_SHARE", 0.2)
GONGZHI_INSIGHTS_IMPROVED_MIN_DELTA = env_float("GONGZHI_INSIGHTS_IMPROVED_MIN_DELTA", 2.0)
GONGZHI_INSIGHTS_IMPROVED_SHARE = env_float("GONGZHI_INSIGHTS_IMPROVED_SHARE", 0.1)
GONGZHI_INSIGHTS_RECTIFY_BELOW = env_float("GONGZHI_INSIGHTS_RECTIFY_BELOW", 85.0)
GONGZHI_INSIGHTS_GOVERN_BELOW = env_float("GONGZHI_INSIGHTS_GOVERN_BELOW", 80.0)
# The bottom of the list (排名末位), by level: how many rows are marked.
GONGZHI_INSIGHTS_BOTTOM_SIZE = {
    "subdistrict": env_int("GONGZHI_INSIGHTS_BOTTOM_SUBDISTRICTS", 3),
    "community": env_int("GONGZHI_INSIGHTS_BOTTOM_COMMUNITIES", 20),
    "unit": env_int("GONGZHI_INSIGHTS_BOTTOM_UNITS", 10),
}
# Hotspots (未诉先办; insights/hotspots/stats.py says how): a place is compared with the rest
# of the district over the BASELINE_MONTHS before the window (a category needs MIN_BASELINE_MONTHS
# of them with orders); its same-month share of past years is weighted against its all-months
# share as if the latter were SEASON_PRIOR_YEARS years; ALPHA is the chance that a whole scan
# raises any false alarm (Bonferroni over the cells tested); a hotspot needs MIN_COUNT orders.
GONGZHI_HOTSPOT_BASELINE_MONTHS = env_int("GONGZHI_HOTSPOT_BASELINE_MONTHS", 36)
GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS = env_int("GONGZHI_HOTSPOT_MIN_BASELINE_MONTHS", 6)
GONGZHI_HOTSPOT_SEASON_PRIOR_YEARS = env_float("GONGZHI_HOTSPOT_SEASON_PRIOR_YEARS", 1.0)
GONGZHI_HOTSPOT_ALPHA = env_float("GONGZHI_HOTSPOT_ALPHA", 0.01)
GONGZHI_HOTSPOT_MIN_COUNT = env_int("GONGZHI_HOTSPOT_MIN_COUNT", 3)
# Clusters of near-duplicate texts (insights/clusters.py): orders of one place × category ×
# window whose character n-gram TF-IDF cosine is at least SIMILARITY are linked (paraphrases of
# one complaint score about 0.2–0.7, different matters of the same category below 0.05); a
# cluster has at least MIN_SIZE orders.
GONGZHI_CLUSTER_SIMILARITY = env_float("GONGZHI_CLUSTER_SIMILARITY", 0.3)
GONGZHI_CLUSTER_MIN_SIZE = env_int("GONGZHI_CLUSTER_MIN_SIZE", 3)
# …and the word weights (IDF) are fitted on the grouped texts plus this many latest orders.
GONGZHI_CLUSTER_IDF_SAMPLE = env_int("GONGZHI_CLUSTER_IDF_SAMPLE", 3000)
# Monthly topic candidates (每月一题; insights/topics.py): weights of the score's parts; a
# requester filing the same category again within REPEAT_DAYS counts as repetition; rates are
# shrunk toward the district's as if each category had RATE_PRIOR more callbacks.
GONGZHI_TOPIC_WEIGHTS = {
    "frequency": env_float("GONGZHI_TOPIC_WEIGHT_FREQUENCY", 0.3),
    "repetition": env_float("GONGZHI_TOPIC_WEIGHT_REPETITION", 0.2),
    "unresolved": env_float("GONGZHI_TOPIC_WEIGHT_UNRESOLVED", 0.3),
    "spread": env_float("GONGZHI_TOPIC_WEIGHT_SPREAD", 0.2),
}
GONGZHI_TOPIC_REPEAT_DAYS = env_int("GONGZHI_TOPIC_REPEAT_DAYS", 90)
GONGZHI_TOPIC_RATE_PRIOR = env_int("GONGZHI_TOPIC_RATE_PRIOR", 20)
# Playbook (场景治理手册; insights/playbook.py): how many recent resolved orders of the category
# (and of its sibling categories) are compared with an open order's text.
GONGZHI_PLAYBOOK_POOL = env_int("GONGZHI_PLAYBOOK_POOL", 400)
# …and below this text similarity a past order is listed only after the similar ones.
GONGZHI_PLAYBOOK_MIN_SIMILARITY = env_float("GONGZHI_PLAYBOOK_MIN_SIMILARITY", 0.15)

# --- 智能派单: dispatch intelligence (gongzhi.dispatch) --------------------------------------
# Automatic dispatch at intake needs the active classifier's top category to be the order's with
# at least this confidence; unset: the artifact's own threshold (97 % precision on its training
# data's inner cross-validation). With no model active the responsibility matrix alone decides.
_threshold = env_str("GONGZHI_AUTO_DISPATCH_THRESHOLD", "").strip()
GONGZHI_AUTO_DISPATCH_THRESHOLD = float(_threshold) if _threshold else None
# How often a process looks up which model artifact is active (an activation in the same
# process takes effect at once).
GONGZHI_CLASSIFIER_CHECK_SECONDS = env_int("GONGZHI_CLASSIFIER_CHECK_SECONDS", 300)
# Where trained model artifacts are written (relative paths in the registry are under DATA_DIR).
GONGZHI_MODEL_DIR = Path(env_str("GONGZHI_MODEL_DIR", str(DATA_DIR / "models")))
# Near-duplicates (dispatch/duplicates.py): open orders at the same place received in the last
# DAYS days whose text similarity (+ BONUS for the same category) reaches SIMILARITY are linked.
GONGZHI_DUPLICATE_DAYS = env_int("GONGZHI_DUPLICATE_DAYS", 7)
GONGZHI_DUPLICATE_SIMILARITY = env_float("GONGZHI_DUPLICATE_SIMILARITY", 0.45)
GONGZHI_DUPLICATE_CATEGORY_BONUS = env_float("GONGZHI_DUPLICATE_CATEGORY_BONUS", 0.1)
