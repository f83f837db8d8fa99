"""A read compiled once (`casework.compiled`): the same rows as the queryset it was built
from, for every value given; a new key compiles afresh; a build whose values are not bound as
parameters is refused. The header's read (`web.selectors.shell_of`) is one."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler

from protocol_portal.casework.compiled import STAND_INS, Compiled
from protocol_portal.org.models import Post, PostKind
from protocol_portal.web.selectors import shell_of

pytestmark = pytest.mark.django_db


def _posts_of(*, person: int):
    return Post.objects.filter(holder_id=person).order_by("pk").values_list("pk", "title")


def test_rows_are_the_querysets_own_for_each_value_given(org):
    compiled = Compiled(_posts_of)
    people = [org.housing_officer.holder, org.housing_director.holder, org.raiser.person]
    for person in people * 2:  # the second round runs the SQL compiled in the first
        assert compiled.rows(person=person.pk) == list(_posts_of(person=person.pk))
    assert compiled.rows(person=people[0].pk), "the housing officer holds a post"


def test_the_build_runs_once_per_key():
    calls = []

    def build(*, person: int):
        calls.append(person)
        return _posts_of(person=person)

    compiled = Compiled(build)
    for person in (1, 2, 3):
        compiled.rows("a", person=person)
    compiled.rows("b", person=1)
    assert calls == [*STAND_INS, *STAND_INS]  # two compilations a key (casework.compiled)


def test_a_value_the_build_does_not_bind_is_refused():
    def ignores_it(*, person: int):
        return Post.objects.filter(kind=PostKind.OFFICER).values_list("pk")

    with pytest.raises(ValueError, match="not bound"):
        Compiled(ignores_it).rows(person=1)


def test_a_value_written_into_the_sql_is_refused():
    def writes_it(*, person: int):
        return Post.objects.filter(holder_id=person).values_list("pk", RawSQL(f"{person} + 0", []))

    with pytest.raises(ValueError, match="written into the SQL"):
        Compiled(writes_it).rows(person=1)


def test_a_constant_equal_to_no_stand_in_stays_a_constant(org):
    """Other parameters of the query (here a literal) are kept as compiled."""

    def build(*, person: int):
        return (
            Post.objects.filter(holder_id=person)
            .annotate(seven=Value(7), person_id=F("holder_id"))
            .values_list("seven", "person_id")
        )

    officer = org.housing_officer.holder
    assert set(Compiled(build).rows(person=officer.pk)) == {(7, officer.pk)}


def test_the_header_is_not_compiled_again_on_each_page(org):
    officer = org.housing_officer.holder
    first = shell_of(person=officer)
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled")):
        again = shell_of(person=officer)
        member = shell_of(person=org.raiser.person)
    assert again == first
    assert [(c.name, c.is_officer, c.is_member) for c in first.councils] == [
        (org.council.name, True, False)
    ]
    assert [(c.name, c.is_officer, c.is_member) for c in member.councils] == [
        (org.council.name, False, True)
    ]


def _posts_named(*, title: str):
    return (
        Post.objects.filter(title=title)
        .select_related("holder", "council")
        .only("title", "kind", "holder__username", "council__name")
        .annotate(holder_of=F("holder_id"), seven=Value(7))
        .order_by("pk")
    )


def test_objects_are_the_querysets_own_instances_for_each_value(org, django_assert_num_queries):
    """Model instances as iterating the queryset gives them: own columns, the records joined by
    select_related (no query to reach them), annotations, the deferred columns deferred."""
    compiled = Compiled(_posts_named)
    titles = [org.housing_officer.title, org.housing_director.title, "No such post"]
    for title in titles * 2:  # a text value; the second round runs the SQL compiled in the first
        expected = list(_posts_named(title=title))
        with django_assert_num_queries(1):
            got = compiled.objects(title=title)
            shown = [
                (p.pk, p.title, p.kind, p.holder.username if p.holder else None, p.council.name)
                for p in got
            ]
        assert shown == [
            (p.pk, p.title, p.kind, p.holder.username if p.holder else None, p.council.name)
            for p in expected
        ]
        assert [(p.holder_of, p.seven) for p in got] == [(p.holder_of, p.seven) for p in expected]
        deferred = [p.get_deferred_fields() for p in got]
        assert deferred == [p.get_deferred_fields() for p in expected]
    assert compiled.objects(title=titles[0]), "the housing officer's post is found"


def test_the_enquiry_page_read_is_not_compiled_again(org, as_of):
    from enquiries import selectors
    from tests.enquiries.helpers import log

    first, second = log(org, as_of), log(org, as_of)
    assert selectors.enquiry_for_page(reference=first.reference).pk == first.pk
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled")):
        again = selectors.enquiry_for_page(reference=second.reference)
        missing = selectors.enquiry_for_page(reference="ENQ-NONE")
    assert again.pk == second.pk
    assert again.council.name == org.council.name
    assert missing is None
