"""The heading blend: a heading's probabilities take in the body paragraphs after it."""

import numpy as np
import pytest

from tgclassify.headings import blend_headings

H, B = "heading", "body"


def test_a_heading_takes_in_its_first_bodies_up_to_the_next_heading():
    P = np.array([[0.1, 0.9], [0.8, 0.2], [0.6, 0.0], [0.0, 0.5], [0.2, 0.2]])
    kinds = [H, B, B, H, B]
    out = blend_headings(P, kinds, weight=0.4, window=8)
    np.testing.assert_allclose(out[0], 0.6 * P[0] + 0.4 * P[1:3].mean(0))
    np.testing.assert_allclose(out[3], 0.6 * P[3] + 0.4 * P[4])
    np.testing.assert_array_equal(out[[1, 2, 4]], P[[1, 2, 4]])  # bodies are unchanged


def test_the_window_bounds_how_many_bodies_count():
    P = np.array([[0.0], [1.0], [1.0], [0.0], [0.0]])
    out = blend_headings(P, [H, B, B, B, B], weight=0.5, window=2)
    assert out[0, 0] == pytest.approx(0.5)


def test_a_heading_followed_by_a_heading_or_nothing_keeps_its_scores():
    P = np.array([[0.3], [0.7], [0.9], [0.1]])
    out = blend_headings(P, [H, H, B, H], weight=0.4, window=8)
    assert out[0, 0] == pytest.approx(0.3)  # a chapter above its first section
    assert out[1, 0] == pytest.approx(0.6 * 0.7 + 0.4 * 0.9)
    assert out[3, 0] == pytest.approx(0.1)  # the last line of the report


def test_a_window_never_crosses_into_the_next_report():
    P = np.array([[0.2], [0.8], [0.0]])
    out = blend_headings(P, [H, B, B], ["a", "a", "b"], weight=0.5, window=8)
    assert out[0, 0] == pytest.approx(0.5)
    alone = blend_headings(P, [H, B, B], ["a", "b", "b"], weight=0.5, window=8)
    assert alone[0, 0] == pytest.approx(0.2)


def test_weight_zero_and_the_input_array_are_left_alone():
    P = np.array([[0.2], [0.8]])
    np.testing.assert_array_equal(blend_headings(P, [H, B], weight=0.0, window=8), P)
    blend_headings(P, [H, B], weight=0.5, window=8)
    np.testing.assert_array_equal(P, [[0.2], [0.8]])


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="2 rows of probabilities but 1 kinds"):
        blend_headings(np.zeros((2, 1)), [H], weight=0.4, window=8)
