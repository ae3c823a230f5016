"""The config file, kept current while the host runs.

watchdog reports every change to the file's directory; each one re-reads the file. A good
file replaces the settings in force; a bad, half-written or deleted one is reported (with
file, line and how to fix it) and the last good settings stay. Because a watcher can miss
events (network drives, editors that swap files), :meth:`LiveConfig.refresh` also compares the
file's size and modification time, and the runner calls it before every run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from acctivate_qbo_plugin.config import ConfigError, Settings, parse_settings

__all__ = ["LiveConfig"]

log = logging.getLogger(__name__)

Listener = Callable[["LiveConfig"], None]


class LiveConfig:
    """Current settings from one config file, plus the problem with the file, if any."""

    def __init__(
        self, path: Path, known_sections: Iterable[str], *, log_errors: bool = True
    ) -> None:
        self.path = path
        self._log_errors = log_errors
        self._known = tuple(known_sections)
        self._lock = threading.Condition()
        self._reload_lock = threading.Lock()  # the watcher and the runner may both reload
        self._settings = Settings()
        self._error: str | None = None
        self._stamp: tuple[int, int] | None = None
        self._version = 0
        self._listeners: list[Listener] = []
        self._observer: Observer | None = None

    # -- reading -------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings in force: the last good file's, or the defaults."""
        return self._settings

    @property
    def error(self) -> str | None:
        """What is wrong with the file on disk now, or None."""
        return self._error

    @property
    def version(self) -> int:
        """Increases on every reload attempt that changed the settings or the error."""
        return self._version

    def wait_for_version(self, version: int, timeout: float) -> bool:
        """Block (real time) until :attr:`version` reaches ``version``; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._version >= version, timeout)

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(self)`` after every change of settings or error."""
        self._listeners.append(listener)

    # -- loading -------------------------------------------------------------------------

    def load(self) -> None:
        """Read the file now (the first time, or after a change)."""
        with self._reload_lock:
            self._load()

    def _load(self) -> None:
        stamp = self._current_stamp()
        if stamp is None:
            if self._stamp is None and self._version > 0:
                return  # still no file: nothing new to say
            if self._version == 0:
                self._publish(Settings(path=None), None, stamp)
            else:
                self._publish(
                    self._settings,
                    f"{self.path}: the config file was deleted; the last good settings stay "
                    "in force until it is restored.",
                    stamp,
                )
            return
        try:
            text = self.path.read_text(encoding="utf-8")
            if not text.strip():
                # An editor truncates before it writes: an empty file is a write in progress
                # (or a mistake), never "use the defaults" - that would drop the connection.
                self._publish(
                    self._settings,
                    f"{self.path}: the config file is empty; the last good settings stay in "
                    "force until it is written again.",
                    stamp,
                )
                return
            settings = parse_settings(text, self.path, self._known)
        except ConfigError as exc:
            self._publish(self._settings, f"{exc} (the last good settings stay in force)", stamp)
        except (OSError, UnicodeDecodeError) as exc:
            self._publish(
                self._settings,
                f"{self.path}: cannot read the config file ({exc}); the last good settings stay "
                "in force.",
                stamp,
            )
        else:
            self._publish(settings, None, stamp)

    def refresh(self) -> None:
        """Reload if the file changed since it was last read (a cheap ``stat``)."""
        with self._reload_lock:
            if self._version == 0 or self._current_stamp() != self._stamp:
                self._load()

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def _publish(
        self, settings: Settings, error: str | None, stamp: tuple[int, int] | None
    ) -> None:
        with self._lock:
            changed = settings != self._settings or error != self._error or self._version == 0
            self._stamp = stamp
            self._settings = settings
            if error is not None and error != self._error and self._log_errors:
                log.error("acctivate-qbo config: %s", error)
            elif error is None and self._error is not None:
                log.info("acctivate-qbo config: %s is valid again", self.path)
            self._error = error
            if not changed:
                return
            self._version += 1
            self._lock.notify_all()
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # a listener's bug must not stop the reload
                log.exception("config listener failed")

    # -- watching ------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Start the watchdog observer on the file's directory (created if missing)."""
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            observer = Observer()
            observer.schedule(_Handler(self), str(directory), recursive=False)
            observer.daemon = True
            observer.start()
        except OSError as exc:
            log.warning(
                "acctivate-qbo config: cannot watch %s (%s); changes are picked up before each "
                "sync instead.",
                directory,
                exc,
            )
            return
        self._observer = observer

    def stop_watching(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)


class _Handler(FileSystemEventHandler):
    def __init__(self, config: LiveConfig) -> None:
        self._config = config
        self._name = config.path.name

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(Path(str(p)).name == self._name for p in paths if p):
            self._config.refresh()
