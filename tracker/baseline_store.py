"""The app's copy of the baseline (``tracker.baseline``), read once per process from ``BASELINE_DIR``.

The baseline is files, not database rows: a fresh install shows it with nothing loaded. It is read on
first use, not in ``create_app``, so ``flask baseline validate`` still runs when the files are broken;
a broken baseline is logged with every problem and the pages say it could not be read.
"""

from __future__ import annotations

import threading

from flask import current_app

from .baseline import Baseline, BaselineError, load_baseline
from .baseline.present import CountryBaseline, for_country

_lock = threading.Lock()
_UNREADABLE = "unreadable"


def current_baseline() -> Baseline | None:
    """The configured baseline, or None when its files have problems (logged once per process)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("baseline")
    if found is None:
        with _lock:
            found = app.extensions.get("baseline")
            if found is None:
                try:
                    found = load_baseline(app.config["BASELINE_DIR"])
                except BaselineError as error:
                    app.logger.error("The baseline in %s cannot be read:\n%s", app.config["BASELINE_DIR"], error)
                    found = _UNREADABLE
                app.extensions["baseline"] = found
    return None if found == _UNREADABLE else found


def country_baseline(code: str) -> CountryBaseline | None:
    """What a country page shows under "What others recorded" (a template global)."""
    baseline = current_baseline()
    return None if baseline is None else for_country(baseline, code)
