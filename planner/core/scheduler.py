"""The scheduler: APScheduler 3 running the jobs the features register with `@scheduled_job`, in exactly one
process. `flask --app app planner scheduler` is that process in production; with PLANNER_SCHEDULER=embedded
(what `make run` sets) the web process starts one too. Either way it first takes the scheduler lock: a file lock
beside the SQLite database, an advisory lock on PostgreSQL, so that a second copy (a reloader, a second worker, a
second scheduler process) never runs the jobs.

Jobs are rows a process scans (DESIGN.md §5.9): each job looks at the database and does what is due at `now`,
stamping what it did, so that running it twice for the same moment does nothing twice and a run missed while
the process was down is caught up once, by the next run. Every job also runs once when the scheduler starts."""
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import String, text
from sqlalchemy.orm import Mapped, mapped_column

from planner.core.clock import utcnow
from planner.core.types import UTCDateTime
from planner.extensions import db

log = logging.getLogger("planner.scheduler")

# An arbitrary constant: the key of the PostgreSQL advisory lock the scheduler holds.
ADVISORY_LOCK_KEY = 7_346_125_901


class JobReceipt(db.Model):
    """A receipt that a job did a thing that must happen once (a weekly digest, a daily notice): the unique key
    makes a second attempt, by this process or another, fail instead of repeating it."""

    __tablename__ = "job_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


def claim_once(key, now=None):
    """True the first time `key` is claimed (the claim is part of the caller's transaction and is undone with
    it), False after. INSERT … ON CONFLICT DO NOTHING: no savepoint (which SQLite would commit at once), and a
    second process claiming the same key waits for the first one's transaction, then finds it taken."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover  (the planner runs on SQLite and PostgreSQL)
        raise RuntimeError(f"claim_once does not know {dialect}")
    statement = insert(JobReceipt).values(key=key, created_at=now or utcnow()).on_conflict_do_nothing(
        index_elements=["key"]).returning(JobReceipt.id)
    return db.session.execute(statement).scalar() is not None


# --- the jobs' registry ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScheduledJob:
    id: str
    func: object  # func(now) -> anything; it commits what it does
    minutes: int  # how often it runs


_JOBS = {}


def scheduled_job(job_id, minutes):
    """Register `func(now)` to run every `minutes` minutes (and once at the scheduler's start)."""

    def decorator(func):
        _JOBS[job_id] = ScheduledJob(job_id, func, minutes)
        return func

    return decorator


def registered_jobs():
    import planner.scheduling.jobs  # noqa: F401  (the jobs register themselves on import)

    return dict(_JOBS)


def run_job(app, job_id, now=None):
    """Run one job in an application context; an error is logged and rolled back, never raised (the next run
    tries again)."""
    job = registered_jobs()[job_id]
    with app.app_context():
        try:
            result = job.func(now or utcnow())
            db.session.commit()
            return result
        except Exception:  # noqa: BLE001  (a job must never kill the scheduler)
            db.session.rollback()
            log.exception("job %s failed", job_id)
            return None
        finally:
            db.session.remove()


def run_all_jobs(app, now=None):
    return {job_id: run_job(app, job_id, now) for job_id in registered_jobs()}


# --- the lock ------------------------------------------------------------------------------------------------------

class SchedulerLock:
    """Held by the one process that runs the jobs. SQLite: a file lock (`scheduler.lock` in the instance folder);
    PostgreSQL: a session advisory lock on a connection kept open while the lock is held. The operating system
    or the database frees it when the process dies."""

    def __init__(self, app):
        self.app = app
        self._file_lock = None
        self._connection = None

    @property
    def held(self):
        return self._file_lock is not None or self._connection is not None

    def acquire(self):
        """Take the lock without waiting; True when this process now holds it."""
        if self.held:
            return True
        with self.app.app_context():
            engine = db.engine
            if engine.dialect.name == "postgresql":
                connection = engine.connect()
                got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
                connection.commit()
                if got:
                    self._connection = connection
                    return True
                connection.close()
                return False
        from filelock import FileLock, Timeout

        path = Path(self.app.config["INSTANCE_DIR"]) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path), thread_local=False, is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        self._file_lock = lock
        return True

    def still_held(self):
        if self._connection is not None:
            try:
                return bool(self._connection.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND granted AND ((classid::bigint << 32) | objid::bigint) = :key"),
                    {"key": ADVISORY_LOCK_KEY}).scalar())
            except Exception:  # noqa: BLE001  (a broken connection holds no lock)
                return False
            finally:
                try:
                    self._connection.commit()
                except Exception:  # noqa: BLE001
                    pass
        return self._file_lock is not None and self._file_lock.is_locked

    def release(self):
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                self._connection.commit()
            except Exception:  # noqa: BLE001  (the connection broke: the database freed the lock already)
                pass
            finally:
                self._connection.close()
                self._connection = None
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None


# --- the scheduler -------------------------------------------------------------------------------------------------

class PlannerScheduler:
    """The APScheduler of one process with the planner's jobs. Every copy runs a check of the lock each minute,
    but only the copy that holds the lock runs the jobs: a copy without it stands by and takes over (running
    every job at once, to catch up) when the holder stops or loses the lock."""

    def __init__(self, app, blocking=False):
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.schedulers.blocking import BlockingScheduler

        self.app = app
        self.lock = SchedulerLock(app)
        self.active = False
        cls = BlockingScheduler if blocking else BackgroundScheduler
        # coalesce: runs missed while the process was busy are caught up once; one instance of a job at a time;
        # one thread, so that the jobs never compete for the database (SQLite has a single writer).
        self.scheduler = cls(timezone=timezone.utc, executors={"default": ThreadPoolExecutor(1)},
                             job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.job_ids = list(registered_jobs())
        first = datetime.now(timezone.utc)
        for job in registered_jobs().values():
            self.scheduler.add_job(self.run, "interval", args=(job.id,), id=job.id, minutes=job.minutes,
                                   next_run_time=first)
        self.scheduler.add_job(self.check_lock, "interval", id="lock", minutes=1)

    def run(self, job_id):
        if self.active:
            return run_job(self.app, job_id)
        return None

    def check_lock(self):
        """Keep, take over or give up the lock. A holder whose lock is gone (the database connection that held
        it broke) stops running the jobs unless it can take the lock again at once."""
        was_active = self.active
        if self.lock.held and self.lock.still_held():
            self.active = True
            return True
        self.lock.release()
        self.active = self.lock.acquire()
        if self.active and not was_active:
            log.info("this process now holds the scheduler lock and runs the jobs")
            now = datetime.now(timezone.utc)
            for job_id in self.job_ids:  # catch up at once
                if self.scheduler.running:
                    self.scheduler.modify_job(job_id, next_run_time=now)
        elif was_active and not self.active:
            log.error("the scheduler lock was lost to another process; this one stands by")
        return self.active

    @property
    def running(self):
        return self.scheduler.running

    def start(self):
        """Start; True when this process holds the lock and runs the jobs, False when it stands by."""
        self.active = self.lock.acquire()
        self.scheduler.start()
        return self.active

    def shutdown(self, wait=True):
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.active = False
        self.lock.release()


_embedded = {}
_embedded_guard = threading.Lock()


def start_embedded(app):
    """PLANNER_SCHEDULER=embedded: start the scheduler in this web process; it runs the jobs while it holds the
    lock and stands by otherwise."""
    import atexit

    with _embedded_guard:
        if app in _embedded:
            return _embedded[app]
        scheduler = PlannerScheduler(app)
        if scheduler.start():
            log.info("the embedded scheduler runs the jobs in this process")
        else:
            log.info("another process holds the scheduler lock; this one stands by")
        atexit.register(scheduler.shutdown, False)
        _embedded[app] = scheduler
        return scheduler


def init_app(app):
    """Start the embedded scheduler when asked, in a process that serves pages (`flask run`, gunicorn), not in a
    one-off command such as `flask db upgrade`."""
    import click

    if should_start_embedded(app.config, click.get_current_context(silent=True)):
        start_embedded(app)


def should_start_embedded(config, command_context):
    """PLANNER_SCHEDULER=embedded, not under test, and serving pages: a WSGI server (no command) or `flask run`,
    in the process that serves (with the reloader, its child; the watching parent serves nothing)."""
    import os

    if config.get("SCHEDULER") != "embedded" or config.get("TESTING"):
        return False
    if command_context is None:
        return True
    if command_context.info_name != "run":
        return False
    reloading = command_context.params.get("reload")
    if reloading is None:
        reloading = bool(config.get("DEBUG")) or os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true")
    return not reloading or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
