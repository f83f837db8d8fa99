"""JSON API for interests: viewsets register on protocol_portal.api.router.

Same permissions as the browser: lists are filtered by the selectors, an object the caller may
not see answers 404, an action they may not take on an object they can see answers 403, and bad
input answers 400 with the reason per field.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from interests import filters, selectors, services
from interests import permissions as perms
from interests import serializers as s
from interests.models import Interest
from protocol_portal.api import error_responses, router, valid_data
from protocol_portal.casework.conflicts import Matter, conflict_check_ask, conflict_check_refuse
from protocol_portal.casework.permissions import check_perm
from protocol_portal.org.models import Council

_DETAIL = inline_serializer("InterestsErrorSerializer", {"detail": serializers.CharField()})
ERRORS = error_responses(_DETAIL)


def _require(user, perm: str, obj) -> None:
    if not check_perm(user, perm, obj):
        raise PermissionDenied("You may not do this on this case.")


class RelationshipViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Relationship declarations: the declarer's own, those notified to the caller, and (for the
    Monitoring Officer) all of the council's."""

    serializer_class = s.RelationshipSerializer

    filterset_class = filters.RelationshipFilter

    def get_queryset(self):
        return selectors.relationships_visible_to(user=self.request.user)

    @extend_schema(
        request=s.RelationshipDeclareSerializer, responses={201: s.RelationshipSerializer}
    )
    def create(self, request):
        data = valid_data(s.RelationshipDeclareSerializer, request)
        relationship = services.relationship_declare(
            declarer=request.user, as_of=timezone.now(), **data
        )
        return Response(s.RelationshipSerializer(relationship).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RelationshipDecisionSerializer,
        responses={200: s.RelationshipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        relationship = self.get_object()
        _require(request.user, perms.DECIDE_RELATIONSHIP, relationship)
        data = valid_data(s.RelationshipDecisionSerializer, request)
        services.relationship_decide(
            relationship=relationship, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(s.RelationshipSerializer(relationship).data)

    @extend_schema(
        request=s.RelationshipReasonSerializer, responses={200: s.RelationshipSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._close(request, services.relationship_end)

    @extend_schema(
        request=s.RelationshipReasonSerializer, responses={200: s.RelationshipSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._close(request, services.relationship_withdraw)

    def _close(self, request, service):
        relationship = self.get_object()
        _require(request.user, perms.CHANGE_RELATIONSHIP, relationship)
        data = valid_data(s.RelationshipReasonSerializer, request)
        service(relationship=relationship, actor=request.user, as_of=timezone.now(), **data)
        return Response(s.RelationshipSerializer(relationship).data)


class InterestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Register entries: a member's own, and (for the Monitoring Officer) the council's."""

    serializer_class = s.InterestSerializer

    filterset_class = filters.InterestFilter

    def get_queryset(self):
        return selectors.interests_visible_to(user=self.request.user)

    @extend_schema(request=s.InterestCreateSerializer, responses={201: s.InterestSerializer})
    def create(self, request):
        data = valid_data(s.InterestCreateSerializer, request)
        member = selectors.member_of(person=request.user, council=data.pop("council"))
        if member is None:
            raise ApiValidationError({"council": ["You are not a member of this council."]})
        interest = services.interest_register(
            member=member, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(s.InterestSerializer(interest).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.InterestSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        interest = self.get_object()
        _require(request.user, perms.CHANGE_INTEREST, interest)
        services.interest_remove(interest=interest, actor=request.user, as_of=timezone.now())
        return Response(s.InterestSerializer(interest).data)

    @extend_schema(
        request=s.InterestSensitivitySerializer, responses={200: s.InterestSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def sensitivity(self, request, pk=None):
        interest = self.get_object()
        _require(request.user, perms.DECIDE_SENSITIVITY, interest)
        data = valid_data(s.InterestSensitivitySerializer, request)
        services.interest_sensitivity_decide(
            interest=interest, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(s.InterestSerializer(interest).data)


class RegisterReturnViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Register returns: the 28-day duty to register or re-confirm (Localism Act 2011 s.30)."""

    serializer_class = s.RegisterReturnSerializer

    filterset_class = filters.RegisterReturnFilter

    def get_queryset(self):
        return selectors.returns_visible_to(user=self.request.user)

    @extend_schema(request=None, responses={200: s.RegisterReturnSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        ret = self.get_object()
        _require(request.user, perms.CHANGE_RETURN, ret)
        services.register_return_submit(ret=ret, actor=request.user, as_of=timezone.now())
        return Response(s.RegisterReturnSerializer(ret).data)


class ActingAgainstNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Written notices to the Monitoring Officer of action against the council (002 §111)."""

    serializer_class = s.ActingAgainstNoticeSerializer

    filterset_class = filters.NoticeFilter

    def get_queryset(self):
        return selectors.notices_visible_to(user=self.request.user)

    @extend_schema(
        request=s.ActingAgainstCreateSerializer, responses={201: s.ActingAgainstNoticeSerializer}
    )
    def create(self, request):
        data = valid_data(s.ActingAgainstCreateSerializer, request)
        member = selectors.member_of(person=request.user, council=data.pop("council"))
        if member is None:
            raise ApiValidationError({"council": ["You are not a member of this council."]})
        notice = services.acting_against_notify(
            member=member, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(
            s.ActingAgainstNoticeSerializer(notice).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.NoticeAcknowledgeSerializer,
        responses={200: s.ActingAgainstNoticeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        notice = self.get_object()
        _require(request.user, perms.ACKNOWLEDGE_NOTICE, notice)
        data = valid_data(s.NoticeAcknowledgeSerializer, request)
        services.acting_against_acknowledge(
            notice=notice, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(s.ActingAgainstNoticeSerializer(notice).data)

    @extend_schema(request=None, responses={200: s.ActingAgainstNoticeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The member will not act after all; repeating it changes nothing."""
        notice = self.get_object()
        _require(request.user, perms.CHANGE_NOTICE, notice)
        services.acting_against_withdraw(notice=notice, actor=request.user, as_of=timezone.now())
        return Response(s.ActingAgainstNoticeSerializer(notice).data)


class AdviceRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests for advice on declaring an interest (001 §5.3.6.1, 002 §89)."""

    serializer_class = s.AdviceRequestSerializer

    filterset_class = filters.AdviceFilter

    def get_queryset(self):
        return selectors.advice_visible_to(user=self.request.user)

    @extend_schema(request=s.AdviceCreateSerializer, responses={201: s.AdviceRequestSerializer})
    def create(self, request):
        data = valid_data(s.AdviceCreateSerializer, request)
        advice = services.advice_request(requester=request.user, as_of=timezone.now(), **data)
        return Response(s.AdviceRequestSerializer(advice).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.AdviceGiveSerializer, responses={200: s.AdviceRequestSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def advise(self, request, pk=None):
        advice = self.get_object()
        _require(request.user, perms.ADVISE, advice)
        data = valid_data(s.AdviceGiveSerializer, request)
        services.advice_give(request=advice, actor=request.user, as_of=timezone.now(), **data)
        return Response(s.AdviceRequestSerializer(advice).data)

    @extend_schema(request=None, responses={200: s.AdviceRequestSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The member no longer needs the advice; repeating it changes nothing."""
        advice = self.get_object()
        _require(request.user, perms.CHANGE_ADVICE, advice)
        services.advice_withdraw(request=advice, actor=request.user, as_of=timezone.now())
        return Response(s.AdviceRequestSerializer(advice).data)


ONLY_YOUR_OWN = (
    "You can check only whether you yourself may act. Ask the Monitoring Officer whether "
    "someone else may."
)


class ConflictCheckViewSet(viewsets.GenericViewSet):
    """May I act on this matter? Asked by the person about to act, about their own act.

    The answer is whether the asker is barred (a "must not"), should think first (a warning) or
    is clear, with the paragraph and a plain reason. `person` may be left out (it is the asker);
    naming anyone else is refused with 403 before the id is looked up, so the answer is the same
    whether or not that person exists, unless the asker is the council's Monitoring Officer, who
    advises members on their interests. Even then an interest withheld under the Localism Act
    2011 s.32(2) is counted only for the member themselves: nobody can test guesses about it.
    Every call, refusals included, is recorded (`casework.ConflictCheck`).
    """

    serializer_class = s.ConflictQuerySerializer

    @extend_schema(
        request=s.ConflictQuerySerializer,
        responses={200: s.ConflictAnswerSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request):
        data = valid_data(s.ConflictQuerySerializer, request)
        council: Council = data["council"]
        matter = Matter(
            council=council,
            kind=data["kind"],
            people=frozenset(data["people"]),
            posts=frozenset(data["posts"]),
            directorate_id=data["directorate"].pk if data["directorate"] else None,
            committee_id=data["committee"],
            description=data["description"],
        )
        asked = data["person"]
        if asked is None or asked == request.user.pk:
            person = request.user
        elif _is_monitoring_officer(request.user, council):
            person = selectors.people_in_council(council=council).filter(pk=asked).first()
            if person is None:
                raise ApiValidationError({"person": [s.NOT_IN_COUNCIL]})
        else:
            conflict_check_refuse(
                asked_by=request.user, person_asked=asked, matter=matter, as_of=timezone.now()
            )
            return Response({"detail": ONLY_YOUR_OWN}, status=status.HTTP_403_FORBIDDEN)
        conflicts = conflict_check_ask(
            asked_by=request.user, person=person, matter=matter, as_of=timezone.now()
        )
        answer = {
            "conflicted": bool(conflicts),
            "blocking": any(c.blocking for c in conflicts),
            "conflicts": [
                {"reason": c.reason, "source": c.source, "blocking": c.blocking} for c in conflicts
            ],
        }
        return Response(s.ConflictAnswerSerializer(answer).data)


def _is_monitoring_officer(user, council: Council) -> bool:
    mo = selectors.monitoring_officer_post(council=council)
    return mo is not None and mo.holder_id == user.pk


class PublicRegisterViewSet(viewsets.GenericViewSet):
    """The published register of members' interests for a council; no sign-in needed.
    Sensitive interests show only the statutory sentence (Localism Act 2011 s.32(2))."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = s.PublicRegisterSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Council.objects.all()

    def retrieve(self, request, slug=None):
        council = get_object_or_404(Council, slug=slug)
        members = selectors.public_register(council=council)
        data = {
            "council": council.name,
            "gifts_threshold_pounds": council.gifts_threshold_pounds,
            "members": [
                {
                    "name": m.person.get_full_name() or m.person.username,
                    "ward": m.ward.name if m.ward else None,
                    "group": m.group.name if m.group else None,
                    "interests": [_public(i) for i in m.published],
                }
                for m in members
            ],
        }
        return Response(s.PublicRegisterSerializer(data).data)


def _public(interest: Interest) -> dict:
    if interest.withheld:
        return {"withheld": True, "category": None, "details": s.WITHHELD_STATEMENT}
    details = interest.description
    if interest.category == "gift":
        details += f" (about £{interest.value_pounds}, from {interest.donor})"
    return {"withheld": False, "category": interest.get_category_display(), "details": details}


router.register("interests/relationships", RelationshipViewSet, basename="interests-relationship")
router.register("interests/register-entries", InterestViewSet, basename="interests-interest")
router.register("interests/returns", RegisterReturnViewSet, basename="interests-return")
router.register(
    "interests/acting-against-notices",
    ActingAgainstNoticeViewSet,
    basename="interests-acting-against",
)
router.register("interests/advice-requests", AdviceRequestViewSet, basename="interests-advice")
router.register("interests/conflict-check", ConflictCheckViewSet, basename="interests-conflict")
router.register(
    "interests/public-register", PublicRegisterViewSet, basename="interests-public-register"
)
