"""Keep each post's permission group in step with the post."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from protocol_portal.org.models import Post


@receiver(post_save, sender=Post)
def give_post_a_group(sender, instance: Post, **kwargs) -> None:
    if instance.group_id is None:
        from protocol_portal.org.services import post_ensure_group

        post_ensure_group(post=instance)
