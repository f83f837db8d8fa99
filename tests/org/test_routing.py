"""The pure resolver: most specific rule wins, and bad rule sets are caught before they bite."""

import pytest

from protocol_portal.org.routing import Facts, PostRef, RoutingError, RuleRow, resolve, validate

KINDS = {"director", "chief_executive", "monitoring_officer", "officer"}


def rule(key, concerning="any", stage="first", raised_by="member", next_stage="", **kw):
    return RuleRow(
        key=key,
        case_type="complaint",
        raised_by=raised_by,
        concerning=concerning,
        stage=stage,
        handler=kw.pop("handler", PostRef("director", "subject_directorate")),
        next_stage=next_stage,
        source=kw.pop("source", "004 §11.3"),
        **kw,
    )


def test_most_specific_rule_wins():
    rules = [
        rule("general"),
        rule("about-ce", concerning="chief_executive", handler=PostRef("monitoring_officer")),
    ]
    route = resolve(rules, Facts("complaint", "member", "chief_executive"))
    assert route.rule_key == "about-ce"
    assert route.handler == PostRef("monitoring_officer", "council")
    assert resolve(rules, Facts("complaint", "member", "officer")).rule_key == "general"


def test_stage_selects_the_later_rule():
    rules = [
        rule("first", next_stage="review"),
        rule("review", stage="review", handler=PostRef("chief_executive")),
    ]
    route = resolve(rules, Facts("complaint", "member", "director", "review"))
    assert route.rule_key == "review"
    assert route.is_final


def test_no_rule_is_an_error():
    with pytest.raises(RoutingError, match="No routing rule"):
        resolve([rule("a")], Facts("enquiry", "member", "routine"))


def test_equally_specific_rules_are_an_error():
    rules = [
        rule("by-member", raised_by="member"),
        rule("about-director", raised_by="any", concerning="director"),
    ]
    with pytest.raises(RoutingError, match="equally"):
        resolve(rules, Facts("complaint", "member", "director"))


def test_valid_set_has_no_errors():
    rules = [rule("first", next_stage="review"), rule("review", stage="review")]
    assert validate(rules, KINDS) == []


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([rule("a", next_stage="review")], "dead end"),
        ([rule("a", next_stage="b"), rule("b", stage="b", next_stage="first")], "loop"),
        ([rule("a", handler=PostRef("head_of_hr"))], "no post of kind 'head_of_hr'"),
        ([rule("a", handler=PostRef("director", "nowhere"))], "unknown relation"),
        ([rule("a", source=" ")], "cite its protocol paragraph"),
        ([rule("a"), rule("b")], "same scenario"),
        ([rule("a"), rule("a", concerning="x")], "used twice"),
        ([rule("a", deadline_calendar="lunar")], "unknown calendar"),
        ([rule("a", next_stage="first")], "same stage"),
    ],
)
def test_bad_rule_sets_are_reported(rules, message):
    errors = validate(rules, KINDS)
    assert any(message in error for error in errors), errors


def test_member_roles_are_valid_handlers():
    rules = [rule("a", handler=PostRef("group_leader", "raiser_group"))]
    assert validate(rules, KINDS) == []
