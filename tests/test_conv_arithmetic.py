"""conv_arithmetic against brute-force definitions over small ranges."""

import itertools
import math

import pytest

from convlayers.conv_arithmetic import (
    conv_output_length,
    conv_padding,
    effective_kernel_size,
    local_padding,
    local_windows,
)

RANGE = list(itertools.product(range(1, 13), range(1, 6), range(1, 4), range(1, 4)))
LOCAL_RANGE = list(itertools.product(range(1, 10), range(1, 6), (1, 2, 3)))


def brute_valid_count(length, k_eff, stride):
    """Number of window starts 0, s, 2s, ... that fit inside ``length``."""
    return sum(1 for start in range(0, length, stride) if start + k_eff <= length)


def test_effective_kernel_size():
    assert [effective_kernel_size(3, d) for d in (1, 2, 4)] == [3, 5, 9]


@pytest.mark.parametrize(("length", "k", "s", "d"), RANGE)
def test_valid_counts_windows(length, k, s, d):
    k_eff = d * (k - 1) + 1
    expected = brute_valid_count(length, k_eff, s)
    got = conv_output_length(length, k, "valid", s, d)
    assert max(got, 0) == expected
    assert conv_padding(length, k, "valid", s, d) == (0, 0)


@pytest.mark.parametrize(("length", "k", "s", "d"), RANGE)
def test_same_is_minimal_tf_split(length, k, s, d):
    k_eff = d * (k - 1) + 1
    out = conv_output_length(length, k, "same", s, d)
    assert out == math.ceil(length / s)
    left, right = conv_padding(length, k, "same", s, d)
    assert right - left in (0, 1)
    total = left + right
    # the padded input holds exactly `out` windows, and no smaller padding does
    assert brute_valid_count(length + total, k_eff, s) == out
    if total:
        assert brute_valid_count(length + total - 1, k_eff, s) < out


@pytest.mark.parametrize(("length", "k", "s", "d"), RANGE)
def test_causal_sees_no_future(length, k, s, d):
    k_eff = d * (k - 1) + 1
    left, right = conv_padding(length, k, "causal", s, d)
    assert (left, right) == (k_eff - 1, 0)
    out = conv_output_length(length, k, "causal", s, d)
    assert out == brute_valid_count(length + left, k_eff, s)
    # output t's last tap is input t*s: never beyond it
    for t in range(out):
        assert t * s - left + k_eff - 1 == t * s


def test_unknown_length_passes_through():
    assert conv_output_length(None, 3, "same", 2) is None


def test_unknown_padding_raises():
    with pytest.raises(ValueError, match="full"):
        conv_output_length(5, 3, "full")


@pytest.mark.parametrize(("length", "k", "s"), LOCAL_RANGE)
def test_local_windows_same_rule(length, k, s):
    windows = local_windows(length, k, "same", s)
    assert len(windows) == math.ceil(length / s)
    for o, window in enumerate(windows):
        start = o * s - k // 2
        assert window == tuple(i for i in range(start, start + k) if 0 <= i < length)


@pytest.mark.parametrize(("length", "k", "s"), LOCAL_RANGE)
def test_local_windows_valid(length, k, s):
    windows = local_windows(length, k, "valid", s)
    assert len(windows) == brute_valid_count(length, k, s)
    assert all(w == tuple(range(o * s, o * s + k)) for o, w in enumerate(windows))


@pytest.mark.parametrize(("length", "k", "s"), LOCAL_RANGE)
def test_local_padding_makes_same_windows_valid(length, k, s):
    left, right = local_padding(length, k, "same", s)
    windows = local_windows(length, k, "same", s)
    # on the padded input the 'valid' windows are the 'same' windows, shifted by `left`
    assert brute_valid_count(length + left + right, k, s) == len(windows)
    assert (len(windows) - 1) * s + k <= length + left + right
    for o, window in enumerate(windows):
        padded = range(o * s, o * s + k)
        assert window == tuple(i - left for i in padded if 0 <= i - left < length)
    assert local_padding(length, k, "valid", s) == (0, 0)
