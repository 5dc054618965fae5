"""Significance tests and confidence intervals on figures the database has already aggregated.

Written with ``math`` alone (no scipy): the normal distribution through ``math.erf``, Student's t through the
regularised incomplete beta function (the continued fraction of Numerical Recipes, §6.4).

- **Two-proportion z-test** (pooled): z = (p_b − p_a) ÷ √(p(1 − p)(1/n_a + 1/n_b)), p = pooled share.
- **Welch's t-test** on two means with unequal variances; degrees of freedom by Welch–Satterthwaite.
- **Wilson score interval** for one proportion, and **Newcombe's hybrid score interval** (his method 10, 1998)
  for the difference of two proportions, built from the two Wilson intervals; it stays inside −1…1 and behaves
  well with small counts and shares near 0 or 1, where the plain Wald interval does not.
"""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the normal quantile at 97.5 %: a two-sided 95 % interval


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz), converging for x < (a+1)/(a+b+2)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with ``df`` degrees of freedom."""
    return incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


@dataclass(frozen=True)
class Significance:
    statistic: float
    p_value: float
    df: float | None = None

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def two_proportion_z(won_a: int, n_a: int, won_b: int, n_b: int) -> Significance | None:
    """B's share minus A's, pooled standard error; None when a group is empty or every deal ended alike."""
    if not n_a or not n_b:
        return None
    pooled = (won_a + won_b) / (n_a + n_b)
    error = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if error == 0:
        return None
    z = (won_b / n_b - won_a / n_a) / error
    return Significance(statistic=z, p_value=2 * (1 - normal_cdf(abs(z))))


def welch_t(
    n_a: int, mean_a: float, var_a: float, n_b: int, mean_b: float, var_b: float
) -> Significance | None:
    """B's mean minus A's over the standard error of the difference; sample variances (n − 1)."""
    if n_a < 2 or n_b < 2:
        return None
    share_a, share_b = var_a / n_a, var_b / n_b
    error = math.sqrt(share_a + share_b)
    if error == 0:
        return None
    df = (share_a + share_b) ** 2 / (share_a**2 / (n_a - 1) + share_b**2 / (n_b - 1))
    t = (mean_b - mean_a) / error
    return Significance(statistic=t, p_value=t_two_sided_p(t, df), df=df)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    if not n:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def difference_interval(won_a: int, n_a: int, won_b: int, n_b: int) -> tuple[float, float] | None:
    """Newcombe's 95 % interval for p_a − p_b."""
    first, second = wilson_interval(won_a, n_a), wilson_interval(won_b, n_b)
    if first is None or second is None:
        return None
    p_a, p_b = won_a / n_a, won_b / n_b
    (low_a, high_a), (low_b, high_b) = first, second
    difference = p_a - p_b
    return (
        difference - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2),
        difference + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2),
    )
