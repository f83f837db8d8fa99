from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "protocol_portal.casework"
    label = "casework"
    verbose_name = "Casework (shared)"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from protocol_portal.casework import (
            access,
            checks,  # noqa: F401 (registers the system checks)
            lookups,  # noqa: F401 (registers `in_literal` and `contains_literal`)
        )
        from protocol_portal.org.models import Post
        from protocol_portal.org.signals import post_holder_changed

        # A post changing hands re-derives the cases whose audiences read who holds a post; a
        # post's new line manager, the cases handled at or under it.
        post_holder_changed.connect(
            access.on_holder_changed, dispatch_uid="case-access-follows-holders"
        )
        pre_save.connect(access.before_post_saved, sender=Post, dispatch_uid="case-access-line")
        post_save.connect(access.on_post_saved, sender=Post, dispatch_uid="case-access-line")
