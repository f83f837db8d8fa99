"""Keep each post's permission group in step with the post."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from protocol_portal.org.models import Post

# Sent by `services.post_set_holder` once a post has changed hands (or fallen vacant, or been
# filled), with `post`, `before` and `after` (person ids or None). Case access listens
# (casework.access): cases whose audiences read who holds a post are derived again.
post_holder_changed = Signal()


@receiver(post_save, sender=Post)
def give_post_a_group(sender, instance: Post, **kwargs) -> None:
    if instance.group_id is None:
        from protocol_portal.org.services import post_ensure_group

        post_ensure_group(post=instance)
