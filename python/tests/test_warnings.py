"""Cleaner warns as the command does: a toggle glob that matches no rule (a
typo would switch nothing, silently), and the rule files' own warnings."""

from __future__ import annotations

import pickle
import warnings

import pytest

import deboil


def test_a_toggle_that_matches_no_rule_warns():
    with pytest.warns(UserWarning, match=r'disable glob "en.cookie-notce" matches no rule'):
        typo = deboil.Cleaner(disable=["en.cookie-notce"])
    with pytest.warns(UserWarning, match=r'enable glob "nope.\*" matches no rule'):
        deboil.Cleaner(enable=["nope.*"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        deboil.Cleaner(disable=["en.*"])
        # Unpickling (in every worker) does not warn again.
        pickle.loads(pickle.dumps(typo))


def test_rule_file_warnings_reach_python():
    rule = '[[rule]]\nid = "t.b"\nreason = "r"\nregex = [\'\\bfoo\\b\']\n'
    with pytest.warns(UserWarning, match=r"<rule_texts\[0\]>:4:.*Unicode `\\b`"):
        deboil.Cleaner(rule_texts=[rule])
