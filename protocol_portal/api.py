"""The JSON API under /api/v1/: each case app registers its viewsets on this one router, and
every app's errors answer through one handler (`exception_handler`), in one shape:

- 400: `{"<field>": ["<reason>", ...], ...}`, reasons not about one field under
  `"non_field_errors"`, whether a serializer or a service (Django `ValidationError`) refused;
- 403, 404, 405, 409, 429 ...: `{"detail": "<reason>"}`;
- 308 (a case's old numeric URL, see `case_by_key`): `{"detail": ...}` and `Location`.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from protocol_portal.casework.receipt import LOGGED_CHANNELS, Channel
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import Member, Post


class Router(DefaultRouter):
    """No `.json` format-suffix routes: the API speaks JSON only, and the suffix routes passed a
    `format` keyword that custom actions do not take (a 500 on every `/<id>/<action>.json`)."""

    include_format_suffixes = False


router = Router()


class Conflict(exceptions.APIException):
    """409: the case's current status does not allow the move (STYLE habit 4: loud on conflict)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not allowed from the case's current status."
    default_code = "conflict"


class Moved(exceptions.APIException):
    """308: the case is at another address (its reference), with the same method and body."""

    status_code = status.HTTP_308_PERMANENT_REDIRECT
    default_code = "moved"

    def __init__(self, location: str):
        super().__init__(f"This case's address is its reference: {location}")
        self.location = location


def case_by_key(request, key: str, *, model, by_pk, lens_for):
    """The case an API URL names, with what the caller may do on it (a lens with `.any`).

    The key is the case's reference. A URL with the old numeric id answers 308 to the
    reference's URL, but only for a case the caller may see: any other key, and any case they
    may not see, is the same 404, so neither ids nor references can be enumerated.
    """
    if "\x00" in key:  # PostgreSQL refuses NUL in text: it names nothing
        raise exceptions.NotFound()
    pk = (
        int(key)
        if key.isdigit()
        else model.objects.filter(reference=key).values_list("pk", flat=True).first()
    )
    case = by_pk(pk=pk) if pk is not None and pk < 2**63 else None
    lens = lens_for(case) if case is not None else None
    if lens is None or not lens.any:
        raise exceptions.NotFound()
    if key.isdigit():
        path = request.get_full_path()
        raise Moved(path.replace(f"/{key}/", f"/{case.reference}/", 1))
    return case, lens


def error_responses(detail, *, noun: str = "case") -> dict:
    """The OpenAPI description of the refusals a case action can answer (the README's table):
    `detail` is the `{"detail": ...}` serializer, `noun` what the 404 says is not there."""
    return {
        400: OpenApiResponse(description="Bad input: the reason, per field."),
        403: OpenApiResponse(detail, description="You may see it but not do this."),
        404: OpenApiResponse(detail, description=f"No such {noun} that you may see."),
        409: OpenApiResponse(detail, description="Not allowed from its current status."),
    }


class CaseViewSetMixin:
    """What a case type's viewset shares: the list of cases the caller may see, the case an URL
    names by its reference (`case_by_key`), and actions that check what the caller may do,
    validate the input, call one service unwrapped and answer the case as it now is.

    The viewset sets `queryset` (`<case model>.objects.none()`: the model whose references its
    URLs name), `visible_to`, `by_pk` and `lens_for` (its selectors, as staticmethods;
    `lens_for(user=..., <case_kw>=case)` is what the caller may see and do),
    `noun` (what its refusals call the case) and defines `answer(case, code)`. Its
    `case_action`s document `action_answers` and `action_errors` unless one names its own.
    """

    lookup_field = "reference"
    case_kw = "case"
    noun = "case"
    action_answers = None
    action_errors: dict = {}

    @property
    def refused(self) -> str:
        return f"You cannot do that on this {self.noun}."

    def lens(self, case):
        """What the caller may see and do on `case` (the app's `lens_for`)."""
        return self.lens_for(user=self.request.user, **{self.case_kw: case})

    def get_queryset(self):
        return (
            self.visible_to(user=self.request.user)
            .select_related(None)
            .select_related("council")
            .order_by("-received_on", "-pk")
        )

    def case_and_lens(self, reference: str):
        return case_by_key(
            self.request,
            reference,
            model=self.queryset.model,
            by_pk=self.by_pk,
            lens_for=self.lens,
        )

    def need(self, lens, what: str) -> None:
        """403 unless the lens allows `what` (a flag of the lens; "a|b" for either)."""
        if not any(getattr(lens, flag) for flag in what.split("|")):
            raise exceptions.PermissionDenied(self.refused)

    def act(self, reference: str, what: str, serializer_class, call):
        """An action on one case: `call(case, data)` is the service; the answer is the case."""
        case, lens = self.case_and_lens(reference)
        self.need(lens, what)
        call(case, valid_data(serializer_class, self.request))
        return self.answer(case)


class CaseViewSet(
    CaseViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A case type's viewset: the cases the caller may see, listed and read one by one by
    reference, and the `case_action`s it declares (`CaseViewSetMixin`)."""


class case_action:  # noqa: N801 - used like the decorators it stands for
    """A POST action on one case, declared in one line of the viewset:

        decide = case_action(services.access_request_decide, need="decide",
                             takes=s.DecideSerializer, doc="Grant, partly grant or refuse ...")

    is `@extend_schema(...) @action(detail=True, methods=["post"]) def decide(...)` that checks
    the lens allows `need`, validates `takes` and calls `service(<case_kw>=case, actor=...,
    as_of=now, **data)` (the viewset's `case_kw`; `rename` maps an input field to the service's
    keyword; `media` documents the input under that content type, as "multipart/form-data"),
    answering the case as it now is (`CaseViewSetMixin.act`). The answer and the refusals it
    documents are the viewset's `action_answers` and `action_errors` unless `answers` or
    `errors` names others.
    """

    def __init__(
        self,
        service,
        *,
        need,
        takes,
        answers=None,
        errors=None,
        doc="",
        url_path=None,
        rename=None,
        media=None,
    ):
        self.service, self.need, self.takes = service, need, takes
        self.request = {media: takes} if media else takes
        self.answers, self.errors = answers, errors
        self.doc, self.url_path, self.rename = doc, url_path, rename or {}

    def __set_name__(self, owner, name):
        spec = self
        answers = self.answers or owner.action_answers
        errors = owner.action_errors if self.errors is None else self.errors
        schema = {"request": self.request, "responses": {200: answers, **errors}}

        def method(viewset, request, reference=None):
            def call(case, data):
                for field, keyword in spec.rename.items():
                    data[keyword] = data.pop(field)
                return spec.service(
                    **{viewset.case_kw: case}, actor=request.user, as_of=timezone.now(), **data
                )

            return viewset.act(reference, spec.need, spec.takes, call)

        method.__name__, method.__doc__ = name, self.doc or None
        method.__qualname__ = f"{owner.__qualname__}.{name}"
        method = action(detail=True, methods=["post"], url_path=self.url_path)(method)
        setattr(owner, name, extend_schema(**schema)(method))


def exception_handler(exc, context):
    """`REST_FRAMEWORK["EXCEPTION_HANDLER"]`: a service's refusal becomes the same answer in
    every app, so a viewset calls services without wrapping them.

    - Django `ValidationError` (a service refusing the input) -> 400, the reasons per field;
    - `Http404`, or an object that does not exist -> 404 "Not found." (never saying whether it
      exists but is hidden, so ids and references cannot be enumerated);
    - Django `PermissionDenied` (may see the case, may not do this) -> 403 with its reason;
    - the kernel's `TransitionError` (the status table forbids the move) -> 409 with its reason.
    Everything else is DRF's own handling (its 400s, 401/403, 405, 415, 429 ...).
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, TransitionError):
        exc = Conflict(str(exc))
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Moved) and response is not None:
        response["Location"] = exc.location
    return response


def valid_data(serializer_class, request, **context) -> dict:
    """The request's validated input, or a 400 naming each field's reasons (raised)."""
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# The columns every case list answers with, around a case type's own (`case_fields`).
CASE_FIELDS_FIRST = ("id", "reference", "council")
CASE_FIELDS_LAST = ("due_on", "breached_on", "received_on", "closed_at")


def case_fields(*own: str) -> list[str]:
    """A case list's fields: id, reference and council, the case type's `own`, then the clock
    (due_on, breached_on, received_on, closed_at)."""
    return [*CASE_FIELDS_FIRST, *own, *CASE_FIELDS_LAST]


# A case (or a case-like record) as the API reads it out: its council by slug and every field
# read-only. A case type's serializer sets `Meta.model` and `Meta.fields`. (A comment, not a
# docstring: the schema would describe every subclass with it.)
class CaseReadSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    def get_extra_kwargs(self) -> dict:
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, for input by slug, except that a value with a NUL byte names nothing: PostgreSQL
    refuses NUL in text, so the lookup would be a server error (found by the API fuzz)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """A 404 under /api/ is JSON like every other API answer; elsewhere the GOV.UK page.

    An id the router cannot match (e.g. `/api/v1/complaints/1.5/`) never reaches a viewset, so
    without this an API client got the HTML page (found by the schemathesis fuzz).
    """
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    """A 500 under /api/ is JSON too (the page itself never says more than "sorry")."""
    from django.http import JsonResponse
    from django.views.defaults import server_error as page_server_error

    if _is_api(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service."}, status=500)
    return page_server_error(request)


class LoggedForFields(serializers.Serializer):
    """Member services or an officer logging a case on a member's behalf: whom it is for, how
    and when it was really received (protocol_portal/casework/receipt.py has the rules)."""

    member = serializers.CharField(
        required=False,
        max_length=150,
        help_text="Officers and member services: the username of the member the case is logged "
        "for. A member logs only their own and leaves this out.",
    )
    channel = serializers.ChoiceField(
        choices=LOGGED_CHANNELS,
        required=False,
        help_text="Logged on a member's behalf: how it was received.",
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="Logged on a member's behalf: when it was really received (ISO 8601, UK time "
        "if no offset). Never in the future, never before the member took office, at most a "
        "year back; the clock runs from it.",
    )


def logged_for(data: dict, *, council, user) -> dict:
    """Take `member`, `channel` and `received_at` out of validated input: the person the case is
    for and, logged on their behalf, how and when it was received and who logged it. The
    service checks the rest (only an officer of the council logs for another: 403; a moment
    that cannot be true: 400 naming received_at)."""
    username = data.pop("member", None)
    channel = data.pop("channel", None)
    received_at = data.pop("received_at", None)
    if username is None or username == user.username:
        if channel is not None or received_at is not None:
            raise exceptions.ValidationError(
                {
                    "channel" if channel is not None else "received_at": [
                        "Your own case is received when you log it; member services or an "
                        "officer record how and when one logged for you was received."
                    ]
                }
            )
        return {"person": user, "channel": Channel.PORTAL, "received_at": None, "actor": user}
    if not Post.objects.filter(holder=user, council=council).exists():
        raise exceptions.PermissionDenied(
            "Only an officer of the council logs a case for a member."
        )
    member = (
        Member.objects.filter(council=council, person__username=username)
        .select_related("person")
        .first()
    )
    errors = {}
    if member is None:
        errors["member"] = ["No member of that council has that username."]
    if channel is None:
        errors["channel"] = ["Say how it was received."]
    if received_at is None:
        errors["received_at"] = ["Say when it was received."]
    if errors:
        raise exceptions.ValidationError(errors)
    return {"person": member.person, "channel": channel, "received_at": received_at, "actor": user}
