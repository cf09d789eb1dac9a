"""The exercise convention: helpers.check never raises on a learner's answer and never reveals it."""

from __future__ import annotations

import pytest

import helpers


def test_every_registered_exercise_has_an_id_like_nn_dot_k():
    ids = helpers.exercise_ids()
    assert ids, "no exercises registered"
    for exercise_id in ids:
        notebook, _, number = exercise_id.partition(".")
        assert len(notebook) == 2 and notebook.isdigit() and number.isdigit(), exercise_id


def test_placeholder_gets_a_friendly_not_answered_message(capsys):
    helpers.check("00.1", ...)
    out = capsys.readouterr().out
    assert "not answered yet" in out and "Traceback" not in out
    assert helpers.is_correct("00.1", ...) is False


@pytest.mark.parametrize("wrong_type", ["forty-two", [1, 2], None, {"seed": 1}])
def test_wrong_type_gets_a_message_not_a_traceback(capsys, wrong_type):
    helpers.check("00.1", wrong_type)
    out = capsys.readouterr().out
    assert "could not check" in out and "expects" in out


def test_right_and_wrong_answers(capsys):
    assert helpers.is_correct("00.1", 45)  # 00.1: ceil(floor(1797 x 0.8) / 32) steps per epoch
    helpers.check("00.1", 41)
    out = capsys.readouterr().out
    assert "not yet" in out and "Hint:" in out and "45" not in out


def test_unknown_exercise_id_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'99.9'"):
        helpers.check("99.9", 1)
    with pytest.raises(TypeError, match="exercise_id"):
        helpers.check(1, 1)


def test_registering_an_id_twice_is_refused():
    with pytest.raises(ValueError, match="00.1"):
        helpers.exercise("00.1", expects="anything")(lambda answer: None)


def test_hint_for_number_tolerance_and_typical_wrong_answers():
    """Worked by hand: equal within rel_tol x max(1, |expected|), else the wrong-answer hint or the general one."""
    assert helpers.hint_for_number(1.0 + 5e-7, 1.0, "h") is None
    assert helpers.hint_for_number(1.0 + 2e-6, 1.0, "h") == "h"  # 2e-6 off: more than the default 1e-6
    assert (
        helpers.hint_for_number(1000.0005, 1000.0, "h") is None and helpers.hint_for_number(1000.002, 1000, "h") == "h"
    )
    assert helpers.hint_for_number(5e-7, 0.0, "h") is None  # near 0 the tolerance is absolute
    assert helpers.hint_for_number(1.05, 1.0, "h", rel_tol=0.1) is None
    assert helpers.hint_for_number(2.0, 1.0, "h", wrong={2.0: "w", 3.0: "x"}) == "w"
    assert helpers.hint_for_number(2.5, 1.0, "h", wrong={2.0: "w"}) == "h"
    with pytest.raises(TypeError):
        helpers.hint_for_number("1.0", 1.0, "h")
