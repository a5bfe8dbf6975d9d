"""The tuner's cost model: the compiler's prediction, refitted to
measurements.

The compiler (``--amk-schedule-stats``) simulates a schedule with two
constants, the HBM bandwidth of the chip record shared by the workers and a
fixed cost per cross-worker wait, and predicts ``max(floor, makespan)``. The
makespan is the chain of the simulation: ``critical_bytes`` read at one
worker's share of the bandwidth plus ``critical_syncs`` waits. The refit
keeps that structure and fits, by least squares with non-negative
coefficients over the measured trials of a log,

    time = a * read_us + b * critical_syncs + c * critical_tasks + d

(``read_us`` the chain's read time under the chip record; ``a`` is 1 / the
fraction of that bandwidth reached, ``b`` the wait cost, ``c`` a per-task
cost, ``d`` the launch). A prediction is never below the floor.
"""
import itertools

from .compiler import STATS_SYNC_NS

FEATURES = ("read_us", "critical_syncs", "critical_tasks", "one")


def features(stats):
    """The refit's inputs from a statistics object, or None when the stats
    lack the chain decomposition."""
    try:
        syncs = float(stats["critical_syncs"])
        read_us = float(stats["makespan_us"]) - syncs * STATS_SYNC_NS * 1e-3
        return [max(0.0, read_us), syncs, float(stats["critical_tasks"]), 1.0]
    except (KeyError, TypeError, ValueError):
        return None


def _solve(rows, ys):
    """Least squares by the normal equations (Gauss-Jordan with pivoting);
    None when singular."""
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] +
         [sum(r[i] * y for r, y in zip(rows, ys))] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12 * max(1.0, abs(a[col][col])):
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def nonnegative_least_squares(rows, ys):
    """The coefficients >= 0 minimizing the squared error, by trying every
    subset of the (few) features; at most len(ys) - 1 of them so that an
    exact fit through two points is not taken for a model (one feature when
    there is a single point)."""
    n = len(rows[0])
    best, best_err = None, None
    limit = max(1, min(n, len(ys) - 1))
    for size in range(1, limit + 1):
        for subset in itertools.combinations(range(n), size):
            coef = _solve([[r[i] for i in subset] for r in rows], ys)
            if coef is None or min(coef) < 0:
                continue
            full = [0.0] * n
            for i, c in zip(subset, coef):
                full[i] = c
            err = sum((sum(c * x for c, x in zip(full, r)) - y) ** 2
                      for r, y in zip(rows, ys))
            if best_err is None or err < best_err - 1e-12:
                best, best_err = full, err
    return best, best_err


class CostModel:
    """Predicts a schedule's step time in microseconds from its statistics.

    Unfitted it is the compiler's ``predicted_us``; ``fit`` replaces it by
    the refitted linear model. ``predict`` is never below ``floor_us``.
    """

    def __init__(self):
        self.coef = None
        self.samples = 0
        self.rms_us = None

    @property
    def fitted(self):
        return self.coef is not None

    def fit(self, records, context=None):
        """Refits from log records with verdict "measured" (each with
        ``stats`` and ``measured_us``), only those measured at decode
        position ``context`` when given (a time at 512 says nothing about
        one at 1); keeps the compiler's model when fewer than two carry the
        chain decomposition. Returns self."""
        rows, ys = [], []
        for record in records:
            if record.get("verdict") != "measured" or (
                    context is not None and record.get("context") != context):
                continue
            x = features(record.get("stats") or {})
            y = record.get("measured_us")
            if x is None or not isinstance(y, (int, float)) or y <= 0:
                continue
            rows.append(x)
            ys.append(float(y))
        self.coef, self.samples, self.rms_us = None, len(ys), None
        if len(ys) < 2:
            return self
        coef, err = nonnegative_least_squares(rows, ys)
        if coef is not None:
            self.coef = coef
            self.rms_us = (err / len(ys)) ** 0.5
        return self

    def predict(self, stats, floor_us=None):
        """The predicted step time (µs) of a schedule with ``stats``, at least
        ``floor_us`` (default: the compiler's floor in the stats)."""
        floor = float(stats.get("floor_us", 0.0) if floor_us is None
                      else floor_us)
        x = features(stats) if self.fitted else None
        if x is None:
            value = float(stats.get("predicted_us", floor))
        else:
            value = sum(c * v for c, v in zip(self.coef, x))
        return max(floor, value)

    def constants(self):
        """The fitted constants in the compiler's terms (None unfitted):
        bandwidth_fraction (of the chip record reached), sync_ns, task_ns,
        launch_us, with the number of samples and the rms error."""
        if not self.fitted:
            return None
        a, b, c, d = self.coef
        return {"bandwidth_fraction": (1.0 / a) if a > 0 else None,
                "sync_ns": b * 1e3, "task_ns": c * 1e3, "launch_us": d,
                "samples": self.samples, "rms_us": self.rms_us}
