"""The casework kernel: references, transitions, the outbox's exactly-once key, clocks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from protocol_portal.casework.models import Notice, OutboxMessage
from protocol_portal.casework.services import local_morning, outbox_write, reference_next
from protocol_portal.casework.transitions import TransitionError, check_transition
from protocol_portal.org.models import Council, Person

pytestmark = pytest.mark.django_db
AS_OF = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/London"))
TABLE = {"new": frozenset({"open"}), "open": frozenset({"closed"}), "closed": frozenset()}


@pytest.fixture
def council():
    return Council.objects.create(slug="hackney", name="Hackney")


def test_references_are_sequential_per_council_type_and_year(council):
    refs = [reference_next(council=council, prefix="ENQ", year=2026) for _ in range(3)]
    assert refs == ["HAC-ENQ-2026-00001", "HAC-ENQ-2026-00002", "HAC-ENQ-2026-00003"]
    assert reference_next(council=council, prefix="CMP", year=2026) == "HAC-CMP-2026-00001"
    assert reference_next(council=council, prefix="ENQ", year=2027) == "HAC-ENQ-2027-00001"


def test_allowed_transition_happens():
    assert check_transition(table=TABLE, current="new", target="open") is True


def test_repeating_a_transition_is_a_no_op():
    assert check_transition(table=TABLE, current="open", target="open") is False


@pytest.mark.parametrize(("current", "target"), [("new", "closed"), ("closed", "open")])
def test_illegal_transition_is_loud(current, target):
    with pytest.raises(TransitionError, match="cannot become"):
        check_transition(table=TABLE, current=current, target=target)


def test_outbox_writes_each_key_once(council, django_capture_on_commit_callbacks, mailoutbox):
    alice = Person.objects.create(username="alice", email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_write(
            key="x:1:chase",
            council=council,
            case=None,
            subject="Chase",
            body="Please answer",
            recipients=[alice],
            at=AS_OF,
            rung="chase",
        )
        again = outbox_write(
            key="x:1:chase",
            council=council,
            case=None,
            subject="Chase",
            body="Please answer",
            recipients=[alice],
            at=AS_OF,
            rung="chase",
        )
    assert first is not None
    assert again is None
    assert OutboxMessage.objects.count() == 1
    assert Notice.objects.filter(person=alice).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    first.refresh_from_db()
    assert first.sent_at is not None


def test_delivering_twice_sends_once(council, django_capture_on_commit_callbacks, mailoutbox):
    from protocol_portal.casework.tasks import deliver_outbox_message

    bob = Person.objects.create(username="bob", email="bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_write(
            key="x:2:remind",
            council=council,
            case=None,
            subject="Remind",
            body="Due soon",
            recipients=[bob],
            at=AS_OF,
        )
    assert deliver_outbox_message(message.pk) is False
    assert len(mailoutbox) == 1


def test_chasers_fall_due_at_seven_in_the_morning_uk_time():
    winter = local_morning(date(2026, 12, 1))
    summer = local_morning(date(2026, 7, 1))
    assert winter.utcoffset().total_seconds() == 0
    assert summer.utcoffset().total_seconds() == 3600
    assert (winter.hour, summer.hour) == (7, 7)


class _CountingBackend:
    """A mail service at the edge of the world: counts connections; `fail` makes it refuse."""

    opened: list[int] = []
    fail = False

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).opened.append(len(messages))
        if type(self).fail:
            raise ConnectionRefusedError("the mail service is down")
        return len(messages)


@pytest.fixture
def counting_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}._CountingBackend"
    _CountingBackend.opened, _CountingBackend.fail = [], False
    return _CountingBackend


def _written(council, n: int) -> list[int]:
    people = [Person.objects.create(username=f"p{i}", email=f"p{i}@example.org") for i in range(n)]
    return [
        outbox_write(
            key=f"x:{i}:remind",
            council=council,
            case=None,
            subject="Remind",
            body="Due soon",
            recipients=[person],
            at=AS_OF,
        ).pk
        for i, person in enumerate(people)
    ]


def test_a_batch_is_emailed_over_one_connection(council, counting_mail):
    from protocol_portal.casework.tasks import deliver_outbox_messages

    ids = _written(council, 5)
    assert deliver_outbox_messages(ids) == 5
    assert counting_mail.opened == [5]
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_mail_service_failure_leaves_the_batch_unsent_for_the_retry(council, counting_mail):
    from protocol_portal.casework.tasks import deliver_outbox_messages

    ids = _written(council, 3)
    counting_mail.fail = True
    with pytest.raises(ConnectionRefusedError):
        deliver_outbox_messages(ids)
    unsent = OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True, attempts=0)
    assert unsent.count() == 3
    counting_mail.fail = False
    assert deliver_outbox_messages(ids) == 3
    assert deliver_outbox_messages(ids) == 0  # sent once
