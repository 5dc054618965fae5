"""The statistics against published values one can check by hand or in the cited tables."""

import math
import statistics

import pytest

from peyvand.analytics.significance import (
    difference_interval,
    normal_cdf,
    t_two_sided_p,
    two_proportion_z,
    welch_t,
    wilson_interval,
)


def test_the_normal_distribution_puts_97_5_percent_below_1_96():
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.959964) == pytest.approx(0.975, abs=1e-6)
    assert normal_cdf(-1.0) == pytest.approx(0.158655, abs=1e-6)


@pytest.mark.parametrize(
    "t,df,p",
    [
        (1.0, 1, 0.5),  # one degree of freedom is the Cauchy distribution: P(|T| > 1) = 1/2 exactly
        (2.228139, 10, 0.05),  # the 97.5 % point of t(10) in every table
        (2.0, 10, 0.073388),
        (12.706205, 1, 0.05),
        (1.959964, 10**7, 0.05),  # many degrees of freedom: the normal distribution
        (0.0, 5, 1.0),
    ],
)
def test_student_t_two_sided_p_values_match_the_tables(t, df, p):
    assert t_two_sided_p(t, df) == pytest.approx(p, abs=1e-5)


def test_two_proportion_z_test_of_56_of_70_against_48_of_80():
    # pooled p = 104/150; SE = sqrt(p(1-p)(1/70 + 1/80)) = 0.07547; z = (0.8 - 0.6) / SE = 2.650
    test = two_proportion_z(48, 80, 56, 70)
    assert test.statistic == pytest.approx(2.650, abs=1e-3)
    assert test.p_value == pytest.approx(0.00805, abs=1e-5)
    assert test.significant
    assert two_proportion_z(56, 70, 48, 80).statistic == pytest.approx(-2.650, abs=1e-3)


def test_two_proportion_z_test_with_no_variation_or_no_deals_says_nothing():
    assert two_proportion_z(0, 10, 0, 12) is None
    assert two_proportion_z(3, 10, 0, 0) is None
    assert not two_proportion_z(5, 10, 6, 10).significant


def test_welch_t_test_on_the_textbook_samples():
    # Welch's t-test, Wikipedia's example 2: t = 2.46, ν ≈ 25.0, p = 0.021
    a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
    b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
    test = welch_t(
        15, statistics.mean(a), statistics.variance(a), 15, statistics.mean(b), statistics.variance(b)
    )
    assert test.statistic == pytest.approx(2.46, abs=5e-3)
    assert test.df == pytest.approx(24.99, abs=1e-2)
    assert test.p_value == pytest.approx(0.021, abs=5e-4)


def test_welch_t_test_with_equal_variances_and_sizes_has_the_pooled_degrees_of_freedom():
    # n = 10 each, variance 4 each: SE = sqrt(0.4 + 0.4), df = 18, t = 2 / sqrt(0.8) = 2.2361
    test = welch_t(10, 5.0, 4.0, 10, 7.0, 4.0)
    assert test.df == pytest.approx(18)
    assert test.statistic == pytest.approx(2 / math.sqrt(0.8))
    assert test.p_value == pytest.approx(0.03823, abs=1e-4)
    assert welch_t(1, 5.0, 0.0, 10, 7.0, 4.0) is None


def test_wilson_interval_of_81_of_263():
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", example: 0.2553 to 0.3662
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson_interval(0, 0) is None
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "counts,interval",
    [
        # Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II,
        # method 10 (hybrid score)
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ],
)
def test_newcombe_interval_matches_the_published_table(counts, interval):
    low, high = difference_interval(*counts)
    assert (round(low, 4), round(high, 4)) == interval


def test_newcombe_interval_needs_deals_in_both_groups():
    assert difference_interval(3, 5, 0, 0) is None
