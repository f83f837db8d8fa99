"""Routing targets posts: a vacant post falls to its deputy, else up its line."""

import pytest

from protocol_portal.org.models import Council, Directorate, Person, Post, PostKind
from protocol_portal.org.routing import PostRef
from protocol_portal.org.services import RoutingContext, acting_post, post_for, post_set_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    council = Council.objects.create(slug="testshire", name="Testshire Council")
    housing = Directorate.objects.create(council=council, slug="housing", name="Housing")
    people = {n: Person.objects.create(username=n) for n in ("ce", "dce", "dir", "hos", "off")}

    def post(slug, kind, holder=None, manager=None, deputy=None, directorate=None):
        p = Post.objects.create(
            council=council,
            slug=slug,
            title=slug,
            kind=kind,
            line_manager=manager,
            deputy=deputy,
            directorate=directorate,
        )
        if holder:
            post_set_holder(post=p, holder=people[holder])
        return p

    dce = post("dce", PostKind.DEPUTY_CHIEF_EXECUTIVE, "dce")
    ce = post("ce", PostKind.CHIEF_EXECUTIVE, "ce", deputy=dce)
    director = post("dir", PostKind.DIRECTOR, "dir", manager=ce, directorate=housing)
    hos = post("hos", PostKind.HEAD_OF_SERVICE, "hos", manager=director, directorate=housing)
    officer = post("off", PostKind.OFFICER, "off", manager=hos, directorate=housing)
    return {
        "council": council,
        "housing": housing,
        "people": people,
        "ce": ce,
        "dce": dce,
        "director": director,
        "hos": hos,
        "officer": officer,
    }


def test_held_post_acts_for_itself(org):
    assert acting_post(org["officer"]) == org["officer"]


def test_vacant_post_falls_to_its_deputy(org):
    post_set_holder(post=org["ce"], holder=None)
    assert acting_post(org["ce"]) == org["dce"]


def test_vacant_post_without_deputy_falls_to_line_manager(org):
    post_set_holder(post=org["hos"], holder=None)
    assert acting_post(org["hos"]) == org["director"]


def test_chain_of_vacancies_climbs_the_line(org):
    post_set_holder(post=org["officer"], holder=None)
    post_set_holder(post=org["hos"], holder=None)
    post_set_holder(post=org["director"], holder=None)
    assert acting_post(org["officer"]) == org["ce"]


def test_everyone_vacant_gives_none(org):
    for key in ("officer", "hos", "director", "ce", "dce"):
        post_set_holder(post=org[key], holder=None)
    assert acting_post(org["officer"]) is None


def test_excluded_person_is_passed_over(org):
    director_person = org["people"]["dir"]
    assert acting_post(org["director"], exclude={director_person.pk}) == org["ce"]


def test_post_for_resolves_relation_to_directorate(org):
    ctx = RoutingContext(council=org["council"], subject_post=org["officer"])
    assert post_for(PostRef("director", "subject_directorate"), ctx) == org["director"]
    assert post_for(PostRef("head_of_service", "subject_line_manager"), ctx) == org["hos"]


def test_post_for_falls_back_to_council_wide_when_no_directorate(org):
    ctx = RoutingContext(council=org["council"], subject_post=org["ce"])
    assert post_for(PostRef("chief_executive", "subject_directorate"), ctx) == org["ce"]


def test_post_for_uses_kind_fallback(org):
    # No corporate director exists: a director of the directorate stands in.
    ctx = RoutingContext(council=org["council"], directorate=org["housing"])
    assert post_for(PostRef("corporate_director", "case_directorate"), ctx) == org["director"]


def test_holder_joins_and_leaves_the_post_group(org):
    officer, person = org["officer"], org["people"]["off"]
    assert officer.group.user_set.filter(pk=person.pk).exists()
    post_set_holder(post=officer, holder=org["people"]["hos"])
    assert not officer.group.user_set.filter(pk=person.pk).exists()


def test_line_management_cannot_loop(org):
    from django.core.exceptions import ValidationError

    org["director"].line_manager = org["officer"]
    with pytest.raises(ValidationError, match="loop"):
        org["director"].clean()
