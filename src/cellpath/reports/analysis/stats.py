"""The cohort report's statistics: Kaplan–Meier with delayed entry, observed against expected
events, exact intervals, the paired slope difference, and summaries of one variable.

Arrays in, arrays (or frozen results) out; missing values are NaN. Each function names its
source. Times are in whatever unit the caller uses (the report uses months, 30.4375 days), as
long as entry and exit share it.

Sources
-------
* Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
  1958;53:457-481 — the product-limit estimator.
* Greenwood M. The natural duration of cancer. Rep Public Health Med Subj 1926;33:1-26 — its
  variance.
* Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data, 2nd ed. 2002, §1.4
  — the log(-log) transform for the pointwise interval (also Klein & Moeschberger eq. 4.3.2).
* Klein JP, Moeschberger ML. Survival Analysis, 2nd ed. 2003, §4.6 — left truncation (delayed
  entry): the risk set at t holds those with entry < t <= exit.
* Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-442 — exact
  Poisson interval by chi-square quantiles.
* Breslow N. Analysis of survival data under the proportional hazards model. Int Stat Rev
  1975;43:45-58; Finkelstein DM, Muzikansky A, Schoenfeld DA. Comparing survival of a sample to
  that of a standard population. J Natl Cancer Inst 2003;95:1434-1439 — one-sample log-rank.
* Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of
  the binomial. Biometrika 1934;26:404-413.
* Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-83; ties and
  the normal approximation: Lehmann EL, Nonparametrics, 1975, §3.2.
* Conover WJ. Practical Nonparametric Statistics, 3rd ed. 1999, §3.2 — distribution-free
  interval for a quantile (here the median) from binomial order statistics.
* Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-365.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

__all__ = [
    "KaplanMeier",
    "MeanCI",
    "MedianIQR",
    "ObservedExpected",
    "PairedDifference",
    "WilcoxonSignedRank",
    "clopper_pearson",
    "expected_events",
    "kaplan_meier",
    "mean_ci",
    "median_iqr",
    "median_survival",
    "numbers_at_risk",
    "observed_expected",
    "paired_difference",
    "poisson_exact_ci",
    "survival_at",
    "wilcoxon_signed_rank",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Largest number of non-zero differences for which the Wilcoxon test uses its exact null
#: distribution (when there are no ties and no zeros), as SciPy's ``method="auto"`` does.
WILCOXON_EXACT_MAX_N = 50


def _frozen(array: npt.ArrayLike, dtype: type) -> npt.NDArray:
    out = np.array(array, dtype=dtype)
    out.setflags(write=False)
    return out


# --- Kaplan–Meier with delayed entry -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class KaplanMeier:
    """A product-limit curve: one row at time 0, then one per distinct event time.

    ``survival`` is S(t) just after ``time`` (right-continuous); ``lower``/``upper`` its pointwise
    interval (1 at S = 1, NaN at S = 0); ``at_risk`` the risk set used at that time (row 0: those
    observed at time 0, ``numbers_at_risk``); ``events`` the events at that time. ``end`` is the
    last time the estimate is defined: the largest exit, or ``gap_at`` when the risk set empties
    while later subjects are still to enter (see ``kaplan_meier``).
    """

    time: FloatArray
    survival: FloatArray
    lower: FloatArray
    upper: FloatArray
    at_risk: IntArray
    events: IntArray
    end: float
    gap_at: float | None


def _follow_up(
    entry: npt.ArrayLike, exit: npt.ArrayLike, event: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    entry_a = np.asarray(entry, dtype=float)
    exit_a = np.asarray(exit, dtype=float)
    event_raw = np.zeros(exit_a.shape, dtype=bool) if event is None else np.asarray(event)
    if not (entry_a.ndim == exit_a.ndim == event_raw.ndim == 1) or not (
        entry_a.shape == exit_a.shape == event_raw.shape
    ):
        raise ValueError("entry, exit and event must be 1-D arrays of the same length")
    if not (np.all(np.isfinite(entry_a)) and np.all(np.isfinite(exit_a))):
        raise ValueError("entry and exit must be finite")
    if np.any(entry_a < 0):
        raise ValueError("entry must be >= 0")
    if np.any(exit_a <= entry_a):
        # Nobody is at risk on (e, e]; an event there has no risk set (R's survival refuses it
        # too). The caller decides, e.g. a same-day event at half a day.
        raise ValueError("exit must be later than entry for every subject")
    if not np.all((event_raw == 0) | (event_raw == 1)):
        raise ValueError("event must be 0/1 or boolean")
    return entry_a, exit_a, event_raw.astype(bool)


def _observed_after(
    entry_sorted: FloatArray, exit_sorted: FloatArray, times: FloatArray
) -> IntArray:
    # #{entry <= t < exit}: the risk set just after t. Every exit <= t has its entry < t.
    return (
        np.searchsorted(entry_sorted, times, side="right")
        - np.searchsorted(exit_sorted, times, side="right")
    ).astype(np.int64)


def numbers_at_risk(entry: npt.ArrayLike, exit: npt.ArrayLike, times: npt.ArrayLike) -> IntArray:
    """Numbers at risk for the table under a survival chart: #{i : entry_i <= t < exit_i}.

    Those under observation at t and still followed after it — the risk set just after t, which
    is the Kaplan–Meier risk set for an event in (t, t + dt] (Klein & Moeschberger §4.6). At
    t = 0 with entry 0 it counts everyone; a subject leaving exactly at t is not counted at t
    (lifelines counts entry <= t <= exit instead; the two differ only at exact ties).
    ``entry``/``exit`` in the chart's time unit, entry >= 0 and exit > entry.
    """
    entry_a, exit_a, _ = _follow_up(entry, exit)
    t = np.asarray(times, dtype=float)
    return _observed_after(np.sort(entry_a), np.sort(exit_a), t)


def kaplan_meier(
    entry: npt.ArrayLike, exit: npt.ArrayLike, event: npt.ArrayLike, *, alpha: float = 0.05
) -> KaplanMeier:
    """Kaplan–Meier estimate with delayed entry (Kaplan & Meier 1958; Klein & Moeschberger §4.6).

    ``entry``: time each subject comes under observation (>= 0; 0 when followed from the time
    origin); ``exit``: time of the event or of censoring (> entry); ``event``: 1 if the exit is
    an event. Same time unit throughout.

    A subject is at risk at t iff entry < t <= exit, so events at one time are counted together
    and subjects censored at an event time are still at risk then (as lifelines does); a subject
    entering at t is not (lifelines counts it: entry <= t). S(t) = prod_{t_j <= t} (1 - d_j/n_j).

    Interval: Greenwood's variance (1926) sum d_j / (n_j (n_j - d_j)) on the log(-log) scale
    (Kalbfleisch & Prentice §1.4): S^exp(±z·sigma/log S), z the normal 1 - alpha/2 quantile.
    Bounds are 1 where S = 1 and NaN where S = 0.

    With delayed entry the curve is conditional on surviving to the earliest entry. If the risk
    set empties while subjects are still to enter (no one followed after ``gap_at``), survival
    across the gap cannot be estimated: the curve stops there (``end = gap_at``) and later events
    are not used. Empty input gives the single row (0, S = 1) with ``end = 0``.
    """
    entry_a, exit_a, event_a = _follow_up(entry, exit, event)
    entry_sorted, exit_sorted = np.sort(entry_a), np.sort(exit_a)
    at_zero = _observed_after(entry_sorted, exit_sorted, np.zeros(1))

    gap_at: float | None = None
    end = 0.0
    if exit_a.size:
        points = np.unique(np.concatenate([entry_a, exit_a]))
        empty_after = _observed_after(entry_sorted, exit_sorted, points) == 0
        gaps = points[empty_after & (points < entry_sorted[-1])]
        gap_at = float(gaps[0]) if gaps.size else None
        end = gap_at if gap_at is not None else float(exit_sorted[-1])

    times, deaths = np.unique(exit_a[event_a], return_counts=True)
    kept = times <= end
    times, deaths = times[kept], deaths[kept].astype(np.int64)
    # n_j = #{entry < t_j} - #{exit < t_j}; n_j >= d_j >= 1 since each dying subject is at risk.
    n = (
        np.searchsorted(entry_sorted, times, side="left")
        - np.searchsorted(exit_sorted, times, side="left")
    ).astype(np.int64)

    survival = np.cumprod(1.0 - deaths / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(deaths / (n * (n - deaths).astype(float)))
        log_s = np.log(survival)
        theta = np.exp(sps.norm.ppf(1 - alpha / 2) * np.sqrt(greenwood) / log_s)
        lower = survival ** (1.0 / theta)
        upper = survival**theta
    undefined = survival <= 0.0
    lower[undefined] = np.nan
    upper[undefined] = np.nan

    return KaplanMeier(
        time=_frozen(np.concatenate([[0.0], times]), float),
        survival=_frozen(np.concatenate([[1.0], survival]), float),
        lower=_frozen(np.concatenate([[1.0], lower]), float),
        upper=_frozen(np.concatenate([[1.0], upper]), float),
        at_risk=_frozen(np.concatenate([at_zero, n]), np.int64),
        events=_frozen(np.concatenate([[0], deaths]), np.int64),
        end=end,
        gap_at=gap_at,
    )


def survival_at(km: KaplanMeier, t: npt.ArrayLike) -> FloatArray:
    """S(t) read off the step function (right-continuous: at an event time, after the drop).

    NaN for t < 0, for t beyond ``km.end`` (past the last follow-up, or across a gap in the risk
    set) and for NaN t. Same time unit as the curve.
    """
    t_a = np.asarray(t, dtype=float)
    index = np.searchsorted(km.time, t_a, side="right") - 1
    value = km.survival[np.clip(index, 0, None)]
    with np.errstate(invalid="ignore"):
        outside = ~((t_a >= 0) & (t_a <= km.end))
    return np.where(outside, np.nan, value)


def median_survival(km: KaplanMeier) -> float:
    """The Kaplan–Meier median: the first time at which S(t) <= 0.5 (Klein & Moeschberger
    §4.5; lifelines' ``median_survival_time_``); NaN when the curve stays above one half up to
    ``km.end``."""
    below = np.flatnonzero(km.survival <= 0.5)
    return float(km.time[below[0]]) if below.size else float("nan")


# --- Observed against expected events ------------------------------------------------------------


def expected_events(log_s_entry: npt.ArrayLike, log_s_exit: npt.ArrayLike) -> FloatArray:
    """Each subject's expected events under a model: ln S_i(e_i) - ln S_i(x_i) (>= 0).

    The cumulative hazard the model assigns to the follow-up actually observed, entry e_i to
    exit x_i (Breslow 1975; Finkelstein, Muzikansky & Schoenfeld 2003). Inputs are natural logs
    of predicted survival probabilities (<= 0, finite); their sum is E in ``observed_expected``.
    """
    at_entry = np.asarray(log_s_entry, dtype=float)
    at_exit = np.asarray(log_s_exit, dtype=float)
    if at_entry.shape != at_exit.shape:
        raise ValueError("log_s_entry and log_s_exit must have the same shape")
    if not (np.all(np.isfinite(at_entry)) and np.all(np.isfinite(at_exit))):
        raise ValueError("log survival must be finite (S > 0)")
    if np.any(at_entry > 0) or np.any(at_exit > 0):
        raise ValueError("log survival must be <= 0")
    expected = at_entry - at_exit
    if np.any(expected < 0):
        raise ValueError("predicted survival must not rise between entry and exit")
    return expected


def poisson_exact_ci(observed: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for a Poisson mean given ``observed`` events (a count).

    lower = chi2(alpha/2; 2 O) / 2 (0 when O = 0), upper = chi2(1 - alpha/2; 2 O + 2) / 2.
    """
    if observed < 0 or int(observed) != observed:
        raise ValueError("observed must be a non-negative integer")
    lower = 0.0 if observed == 0 else float(sps.chi2.ppf(alpha / 2, 2 * observed)) / 2
    upper = float(sps.chi2.ppf(1 - alpha / 2, 2 * observed + 2)) / 2
    return lower, upper


@dataclass(frozen=True)
class ObservedExpected:
    """Observed O against expected E events: the standardised ratio O/E with its exact interval,
    and the one-sample log-rank z = (O - E)/sqrt(E) with its two-sided p."""

    observed: int
    expected: float
    ratio: float
    lower: float
    upper: float
    z: float
    p_value: float


def observed_expected(observed: int, expected: float, *, alpha: float = 0.05) -> ObservedExpected:
    """O/E with an exact Poisson interval on O divided by E (Garwood 1936), and the one-sample
    log-rank test (Breslow 1975; Finkelstein, Muzikansky & Schoenfeld, JNCI 2003).

    ``observed``: number of events; ``expected``: sum of ``expected_events`` (events). The test
    treats E as known: it ignores the prediction model's own error and is conservative for
    O < E as Finkelstein et al. note. E = 0 gives NaN ratio, interval, z and p.
    """
    if not (math.isfinite(expected) and expected >= 0):
        raise ValueError("expected must be finite and >= 0")
    lower, upper = poisson_exact_ci(observed, alpha)
    if expected == 0:
        nan = math.nan
        return ObservedExpected(int(observed), 0.0, nan, nan, nan, nan, nan)
    z = (observed - expected) / math.sqrt(expected)
    return ObservedExpected(
        observed=int(observed),
        expected=float(expected),
        ratio=observed / expected,
        lower=lower / expected,
        upper=upper / expected,
        z=z,
        p_value=float(2 * sps.norm.sf(abs(z))),
    )


# --- Proportions ---------------------------------------------------------------------------------


def clopper_pearson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact binomial interval for k successes in n trials (Clopper & Pearson 1934).

    lower = Beta(alpha/2; k, n - k + 1) (0 when k = 0), upper = Beta(1 - alpha/2; k + 1, n - k)
    (1 when k = n). Counts in, proportions out; n = 0 gives NaNs.
    """
    if not (0 <= k <= n) or int(k) != k or int(n) != n:
        raise ValueError("need integers 0 <= k <= n")
    if n == 0:
        return math.nan, math.nan
    lower = 0.0 if k == 0 else float(sps.beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(sps.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lower, upper


# --- The paired difference (pre-slope against post-slope) ----------------------------------------


@dataclass(frozen=True)
class WilcoxonSignedRank:
    """Wilcoxon signed-rank test: W+ (sum of the positive differences' ranks), the two-sided
    statistic min(W+, W-) as SciPy reports it, the two-sided p, the method used ("exact" or
    "normal") and n, the number of non-zero differences."""

    w_plus: float
    statistic: float
    p_value: float
    method: str
    n: int


def _average_ranks(values: FloatArray) -> tuple[FloatArray, IntArray]:
    order = np.argsort(values, kind="stable")
    _, first, counts = np.unique(values[order], return_index=True, return_counts=True)
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    return ranks, counts


def _signed_rank_null(n: int) -> FloatArray:
    # P(W+ = w), w = 0..n(n+1)/2: the number of subsets of {1..n} summing to w, over 2^n.
    ways = np.zeros(n * (n + 1) // 2 + 1, dtype=np.int64)
    ways[0] = 1
    for rank in range(1, n + 1):
        ways[rank:] = ways[rank:] + ways[:-rank]
    return ways / 2.0**n


def wilcoxon_signed_rank(differences: npt.ArrayLike) -> WilcoxonSignedRank:
    """Two-sided Wilcoxon signed-rank test of differences symmetric about 0 (Wilcoxon 1945).

    Zeros are dropped (Wilcoxon's own "wilcox" method); NaNs too. Absolute values get average
    ranks. With no ties, no zeros and n <= 50 the p comes from the exact null distribution of W+
    (p = min(1, 2 min(P(W+ <= w), P(W+ >= w)))); otherwise from the normal approximation with
    mean n(n+1)/4 and variance [n(n+1)(2n+1) - sum(t^3 - t)/2]/24 over tie groups of size t
    (Lehmann 1975 §3.2), without continuity correction. Equals ``scipy.stats.wilcoxon`` with
    ``zero_method="wilcox"`` and the same method. No non-zero difference gives NaNs.
    """
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    zeros = int(np.count_nonzero(d == 0))
    d = d[d != 0]
    n = d.size
    if n == 0:
        return WilcoxonSignedRank(math.nan, math.nan, math.nan, "none", 0)
    ranks, tie_sizes = _average_ranks(np.abs(d))
    w_plus = float(ranks[d > 0].sum())
    w_minus = n * (n + 1) / 2 - w_plus
    if zeros == 0 and np.all(tie_sizes == 1) and n <= WILCOXON_EXACT_MAX_N:
        pmf = _signed_rank_null(n)
        w = round(w_plus)
        p = min(1.0, 2 * min(float(pmf[: w + 1].sum()), float(pmf[w:].sum())))
        method = "exact"
    else:
        variance = (n * (n + 1) * (2 * n + 1) - np.sum(tie_sizes**3 - tie_sizes) / 2) / 24
        z = (w_plus - n * (n + 1) / 4) / math.sqrt(variance)
        p = float(2 * sps.norm.sf(abs(z)))
        method = "normal"
    return WilcoxonSignedRank(w_plus, min(w_plus, w_minus), p, method, n)


@dataclass(frozen=True)
class PairedDifference:
    """after - before over complete pairs: n pairs, the median difference with a
    distribution-free interval (``ci_coverage`` its exact coverage), and the Wilcoxon test."""

    n: int
    median: float
    lower: float
    upper: float
    ci_coverage: float
    wilcoxon: WilcoxonSignedRank


def paired_difference(
    before: npt.ArrayLike, after: npt.ArrayLike, *, alpha: float = 0.05
) -> PairedDifference:
    """The paired difference d = after - before (e.g. post-slope minus pre-slope, points/month).

    Pairs with a NaN on either side are dropped. The interval for the median of d is the
    binomial order-statistic one (Conover 1999 §3.2, the sign-test interval):
    [d_(l), d_(n-l+1)] with l - 1 the largest k where P(Bin(n, 1/2) <= k) <= alpha/2; its
    coverage 1 - 2 P(Bin(n, 1/2) <= l - 1) >= 1 - alpha is returned. Below n = 6 no such
    interval reaches 95 %: the bounds are NaN. The test is ``wilcoxon_signed_rank``. No pair
    gives n = 0 and NaNs.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("before and after must be 1-D arrays of the same length")
    d = (a - b)[~(np.isnan(a) | np.isnan(b))]
    n = d.size
    if n == 0:
        nan = math.nan
        return PairedDifference(0, nan, nan, nan, nan, wilcoxon_signed_rank(d))
    d_sorted = np.sort(d)
    tails = sps.binom.cdf(np.arange(n), n, 0.5)
    within = np.flatnonzero(tails <= alpha / 2)
    if within.size:
        k = int(within[-1])
        lower, upper = float(d_sorted[k]), float(d_sorted[n - 1 - k])
        coverage = float(1 - 2 * tails[k])
    else:
        lower = upper = coverage = math.nan
    return PairedDifference(
        n=n,
        median=float(np.median(d)),
        lower=lower,
        upper=upper,
        ci_coverage=coverage,
        wilcoxon=wilcoxon_signed_rank(d),
    )


# --- One variable --------------------------------------------------------------------------------


class MeanCI(NamedTuple):
    """n non-missing values, their mean and Student-t interval."""

    n: int
    mean: float
    lower: float
    upper: float


class MedianIQR(NamedTuple):
    """n non-missing values, their median and quartiles."""

    n: int
    median: float
    q1: float
    q3: float


def _present(values: npt.ArrayLike) -> FloatArray:
    v = np.asarray(values, dtype=float).ravel()
    return v[~np.isnan(v)]


def mean_ci(values: npt.ArrayLike, alpha: float = 0.05) -> MeanCI:
    """Mean with the Student t interval mean ± t(1 - alpha/2; n - 1)·s/sqrt(n) (Student 1908).

    NaNs are ignored; values in their own unit. n = 0 gives NaNs, n = 1 a mean without interval.
    """
    v = _present(values)
    n = v.size
    if n == 0:
        return MeanCI(0, math.nan, math.nan, math.nan)
    mean = float(v.mean())
    if n == 1:
        return MeanCI(1, mean, math.nan, math.nan)
    half = float(sps.t.ppf(1 - alpha / 2, n - 1)) * float(v.std(ddof=1)) / math.sqrt(n)
    return MeanCI(n, mean, mean - half, mean + half)


def median_iqr(values: npt.ArrayLike) -> MedianIQR:
    """Median and quartiles by linear interpolation between order statistics: Hyndman & Fan's
    type 7 (NumPy's and R's default), Q(p) at position 1 + (n - 1)p. NaNs ignored; n = 0 NaNs."""
    v = _present(values)
    if v.size == 0:
        return MedianIQR(0, math.nan, math.nan, math.nan)
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    return MedianIQR(int(v.size), float(median), float(q1), float(q3))
