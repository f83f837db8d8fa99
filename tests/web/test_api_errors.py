"""One answer for a refusal in every app's API (`protocol_portal.api.exception_handler`): a view
calls a service unwrapped and the client gets 400 per field, 403, 404 or 409 with the reason,
in the shape the README's API section documents."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from protocol_portal.casework.transitions import TransitionError, check_transition
from protocol_portal.org.models import Council


def _answer(exc: Exception):
    class Refusing(APIView):
        permission_classes = [AllowAny]

        def post(self, request):
            raise exc

    return Refusing.as_view()(APIRequestFactory().post("/api/v1/x/", {}, format="json"))


def _transition_error() -> TransitionError:
    try:
        check_transition(table={"new": frozenset({"open"})}, current="closed", target="new")
    except TransitionError as exc:
        return exc
    raise AssertionError("the table allowed the move")


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (
            ValidationError({"reason": ["Say why."], "date": ["Enter a real date."]}),
            400,
            {"reason": ["Say why."], "date": ["Enter a real date."]},
        ),
        (
            ValidationError("Only the requester can withdraw it."),
            400,
            {"non_field_errors": ["Only the requester can withdraw it."]},
        ),
        (Http404("No such complaint."), 404, {"detail": "Not found."}),
        (Council.DoesNotExist(), 404, {"detail": "Not found."}),
        (PermissionDenied("You may read it but not close it."), 403, None),
        (_transition_error(), 409, None),
    ],
)
def test_a_service_refusal_answers_the_same_in_every_app(exc, status, body):
    response = _answer(exc)
    assert response.status_code == status
    if body is not None:
        assert response.data == body
    else:
        assert response.data == {"detail": str(exc)}


def test_the_404_never_echoes_what_was_looked_for():
    # Http404's own text would tell a caller the object exists but is hidden.
    assert _answer(Http404("Complaint 7 is Hackney's")).data == {"detail": "Not found."}
