"""Keep each post's permission group in step with the post; ask the relationship bars before a
seat or a role is given, whatever code gives it."""

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal, receiver

from protocol_portal.org.models import (
    AppointmentPanel,
    Committee,
    Directorate,
    Member,
    MemberRole,
    Person,
    Post,
)

# Sent by `services.post_set_holder` once a post has changed hands (or fallen vacant, or been
# filled), with `post`, `before` and `after` (person ids or None). Case access listens
# (casework.access): cases whose audiences read who holds a post are derived again.
post_holder_changed = Signal()


@receiver(post_save, sender=Post)
def give_post_a_group(sender, instance: Post, **kwargs) -> None:
    if instance.group_id is None:
        from protocol_portal.org.services import post_ensure_group

        post_ensure_group(post=instance)


# ---------------------------------------------------------------- relationship bars at the act
# Whatever code gives a member a seat or a role, the council file's relationship bars are asked
# (`org.bars`); the admin's forms and the services ask first, so that the member sees the
# paragraph on the form. A barred act raises ValidationError here and nothing is written.


def _raise(errors: list[str]) -> None:
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)


@receiver(m2m_changed, sender=Committee.members.through)
def committee_seat_barred(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    from protocol_portal.org import bars

    if reverse:  # member.committees.add(committee, ...)
        for committee in Committee.objects.filter(pk__in=pk_set):
            _raise(bars.check_committee_seats(committee, [instance]))
    else:
        _raise(bars.check_committee_seats(instance, Member.objects.filter(pk__in=pk_set)))


@receiver(m2m_changed, sender=Committee.staff_directorates.through)
def committee_staff_barred(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set or reverse:
        return
    from protocol_portal.org import bars

    added = list(Directorate.objects.filter(pk__in=pk_set))
    _raise(bars.check_committee_seats(instance, instance.members.all(), directorates=added))


@receiver(m2m_changed, sender=AppointmentPanel.members.through)
def panel_seat_barred(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    from protocol_portal.org import bars

    if reverse:
        for panel in AppointmentPanel.objects.filter(pk__in=pk_set):
            _raise(bars.check_panel_seats(panel, [instance]))
    else:
        _raise(bars.check_panel_seats(instance, Member.objects.filter(pk__in=pk_set)))


@receiver(m2m_changed, sender=AppointmentPanel.candidates.through)
def panel_candidate_barred(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set or reverse:
        return
    from protocol_portal.org import bars

    added = list(Person.objects.filter(pk__in=pk_set))
    _raise(bars.check_panel_seats(instance, instance.members.all(), candidates=added))


@receiver(m2m_changed, sender=MemberRole.portfolio_directorates.through)
def portfolio_barred(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set or reverse:
        return
    from protocol_portal.org import bars

    added = list(Directorate.objects.filter(pk__in=pk_set))
    _raise(bars.check_role(instance.member, kind=instance.kind, directorates=added))


@receiver(pre_save, sender=MemberRole)
def role_barred(sender, instance: MemberRole, raw=False, **kwargs) -> None:
    if raw or getattr(instance, "_bars_checked", False):
        return
    from protocol_portal.org import bars

    directorates = list(instance.portfolio_directorates.all()) if instance.pk else []
    _raise(
        bars.check_role(
            instance.member,
            kind=instance.kind,
            directorates=directorates,
            committee=instance.committee,
        )
    )
