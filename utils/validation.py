"""Argument validation shared by every utils module.

Each helper raises a ``ValueError`` (or ``TypeError``) whose message names the
argument, what it should be and what it was, so that a learner who passes
``keep_prob=1.2`` reads what is wrong instead of a NaN three cells later.
"""
from __future__ import annotations

import numbers

import numpy as np


def require_probability(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float in (0, 1] (or [0, 1] with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1], got {value!r}")
    value = float(value)
    low_ok = value >= 0.0 if allow_zero else value > 0.0
    if not (low_ok and value <= 1.0):
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value}")
    return value


def require_nonnegative(name: str, value) -> float:
    """Return ``value`` as a finite float >= 0 (a penalty strength, a tolerance)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a non-negative number, got {value!r}")
    value = float(value)
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"{name} must be >= 0, got {value}")
    if value == float("inf"):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def require_positive(name: str, value) -> float:
    """Return ``value`` as a finite float > 0 (a learning rate, a scale)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not value > 0.0:  # also rejects NaN
        raise ValueError(f"{name} must be > 0, got {value}")
    if value == float("inf"):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def require_positive_int(name: str, value) -> int:
    """Return ``value`` as an int >= 1 (a count of epochs, points, models)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def require_nonnegative_int(name: str, value) -> int:
    """Return ``value`` as an int >= 0 (a patience, an index)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def as_float_array(name: str, value, *, ndim: int | None = None,
                   allow_empty: bool = True) -> np.ndarray:
    """Return ``value`` as a finite float array, optionally of ``ndim`` dims.

    ``allow_empty=False`` also rejects an array with no elements.
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be array-like of numbers: {err}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): it needs at least one value")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def require_same_shape(name_a: str, a, name_b: str, b) -> None:
    """Raise if arrays ``a`` and ``b`` differ in shape, naming both."""
    shape_a, shape_b = np.shape(a), np.shape(b)
    if shape_a != shape_b:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {shape_a} and {shape_b}"
        )


def require_same_length(name_a: str, a, name_b: str, b) -> None:
    """Raise if ``a`` and ``b`` hold a different number of rows."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of rows, "
            f"got {len(a)} and {len(b)}"
        )


def require_binary_labels(name: str, y) -> np.ndarray:
    """Raise unless every label in ``y`` is 0 or 1 (not -1/+1, not 1/2)."""
    values = np.unique(np.asarray(y))
    if not np.all(np.isin(values, (0, 1))):
        raise ValueError(f"{name} must hold labels 0 and 1, got values {values[:6].tolist()}"
                         + (" (for -1/+1 labels use (y + 1) / 2)" if -1 in values else ""))
    return np.asarray(y)
