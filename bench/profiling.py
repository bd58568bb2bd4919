"""cProfile made readable: the hot spots of one call as (file:function, % of the time), own time and cumulative.

Used by ``bench/run.py --profile``; usable alone:

    from bench.profiling import profile
    result, lines = profile(lambda: something(), top=15)
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":  # a builtin
        return name
    path = Path(filename)
    try:
        shown = str(path.resolve().relative_to(ROOT))
    except ValueError:
        parts = path.parts
        shown = "/".join(parts[parts.index("site-packages") + 1 :]) if "site-packages" in parts else path.name
    return f"{shown}:{line}:{name}"


def profile(call: Callable[[], Any], top: int = 15, own_code: str = "tracker/") -> tuple[Any, list[str]]:
    """Run ``call`` under cProfile; return its result and lines naming the hot spots.

    Three lists: by own time (where the CPU goes), by cumulative time among the project's own
    functions (``own_code``: which of our functions the time is spent under), and the wall time.
    """
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        result = call()
    finally:
        profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in entries.values()) or 1e-9
    lines = [f"wall {wall:.2f} s under the profiler (profiled CPU {total:.2f} s)"]
    lines.append(f"  by own time (top {top}):")
    by_own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for func, (_cc, calls, tt, ct, _callers) in by_own:
        lines.append(f"    {100 * tt / total:5.1f}% own {100 * ct / total:5.1f}% cum {calls:>9} calls  {_where(func)}")
    lines.append(f"  project functions by cumulative time (top {top}):")
    ours = [(f, v) for f, v in entries.items() if own_code in f[0].replace("\\", "/") and "/site-packages/" not in f[0]]
    for func, (_cc, calls, tt, ct, _callers) in sorted(ours, key=lambda item: item[1][3], reverse=True)[:top]:
        lines.append(f"    {100 * ct / total:5.1f}% cum {100 * tt / total:5.1f}% own {calls:>9} calls  {_where(func)}")
    return result, lines
