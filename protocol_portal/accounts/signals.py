"""At sign-in, note in the session what two-step verification the person still owes."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from protocol_portal.accounts.policy import TWO_STEP_SESSION_KEY, two_step_state


@receiver(user_logged_in, dispatch_uid="accounts-two-step-state")
def _note_two_step_state(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[TWO_STEP_SESSION_KEY] = two_step_state(
            person=user, backend=getattr(user, "backend", "")
        )
