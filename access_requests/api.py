"""JSON API for need-to-know requests under /api/v1/: the same services and permissions as the
browser, refusing as every case type's API does (protocol_portal/api.py)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from access_requests import permissions as perms
from access_requests import selectors, services
from access_requests import serializers as s
from access_requests.filters import AccessRequestFilter, FoiRequestFilter
from access_requests.models import AccessRequest, FoiRequest
from access_requests.selectors import Ask
from access_requests.views import release_response
from protocol_portal.api import (
    CaseViewSet,
    case_action,
    error_responses,
    logged_for,
    router,
    valid_data,
)
from protocol_portal.api_parsers import JSONParser
from protocol_portal.casework.files import SERVED_TYPES

ERRORS = error_responses(s.AccessErrorSerializer, noun="request")


def _ask(data: dict) -> Ask:
    return Ask(
        what=data["what"],
        directorate=data["directorate"],
        purpose=data["purpose"],
        justification=data["justification"],
        for_meeting=data["for_meeting"],
        committee=data["committee"],
        meeting_date=data["meeting_date"],
        part=data["part"],
        within_terms_of_reference=data["within_terms_of_reference"],
        matter_ward=data["matter_ward"],
        third_party_personal_data=data["third_party_personal_data"],
        contract_information=data["contract_information"],
        property_transaction=data["property_transaction"],
        other_group_papers=data["other_group_papers"],
        report_to_group=data["report_to_group"],
        personal_records=data["personal_records"],
        draft_policy_papers=data["draft_policy_papers"],
    )


def _plan_data(plan) -> dict:
    return {
        "presumption": plan.result.presumption,
        "presumption_label": plan.presumption_label,
        "source": plan.result.source,
        "reason": plan.result.reason,
        "presumed": plan.presumed,
        "foi": plan.result.foi,
        "concerning": plan.concerning,
        "rule_key": plan.route.rule_key,
        "rule_source": plan.route.source,
        "handler_post": plan.handler_post.slug,
        "handler_title": plan.handler_title,
        "advisers": [p.slug for p in plan.advisers],
        "due_on": plan.due_on,
        "conflicts": [
            {"reason": c.reason, "source": c.source, "blocking": c.blocking} for c in plan.conflicts
        ],
        "explanation": plan.explanation,
    }


class AccessRequestViewSet(CaseViewSet):
    """Need-to-know requests you made, or that your posts hold, decide or advise on."""

    serializer_class = s.AccessRequestListSerializer
    queryset = AccessRequest.objects.none()
    filterset_class = AccessRequestFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    visible_to = staticmethod(selectors.requests_visible_to)
    by_pk = staticmethod(selectors.request_by_pk)
    lens_for = staticmethod(selectors.request_lens)
    case_kw = noun = "request"
    action_answers, action_errors = s.AccessRequestSerializer, ERRORS

    def answer(self, item: AccessRequest, code=status.HTTP_200_OK) -> Response:
        item = (
            AccessRequest.objects.select_related(
                "council", "directorate", "committee", "matter_ward", "owner_post", "holder_post"
            )
            .prefetch_related("advisers", "decisions__consulted__person", "releases")
            .select_related("foi")
            .get(pk=item.pk)
        )
        return Response(s.AccessRequestSerializer(item).data, status=code)

    @extend_schema(responses={200: s.AccessRequestSerializer, 404: ERRORS[404]})
    def retrieve(self, request, reference=None):
        item, _ = self.case_and_lens(reference)
        return self.answer(item)

    @extend_schema(request=s.AskSerializer, responses={200: s.PreviewSerializer, 400: ERRORS[400]})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """How the request would be treated and why (each result names its paragraph), who
        decides and by when — before anything is written."""
        data = valid_data(s.AskSerializer, self.request)
        logged = logged_for(data, council=data["council"], user=request.user)
        plan = services.access_request_preview(
            council=data["council"],
            requester=logged["person"],
            ask=_ask(data),
            as_of=timezone.now(),
        )
        return Response(s.PreviewSerializer(_plan_data(plan)).data)

    @extend_schema(
        request=s.AskSerializer, responses={201: s.AccessRequestSerializer, 400: ERRORS[400]}
    )
    def create(self, request):
        data = valid_data(s.AskSerializer, self.request)
        logged = logged_for(data, council=data["council"], user=request.user)
        item = services.access_request_submit(
            council=data["council"],
            requester=logged["person"],
            ask=_ask(data),
            wants_foi=data["wants_foi"],
            channel=logged["channel"],
            received_at=logged["received_at"],
            actor=logged["actor"],
            as_of=timezone.now(),
        )
        return self.answer(item, status.HTTP_201_CREATED)

    decide = case_action(
        services.access_request_decide,
        need="decide",
        takes=s.DecideSerializer,
        doc="Grant, partly grant or refuse with grounds and reasons; on a dispute the outcome "
        "is final and records whom the Chief Executive consulted or the body it went to.",
    )
    refer = case_action(
        services.access_request_refer,
        need="decide",
        takes=s.ReasonsSerializer,
        doc="The holder doubts a presumed need to know (or, where the rules say so, any "
        "request: 000 §7.2b): refer it to the determiner.",
    )
    dispute = case_action(
        services.access_request_dispute,
        need="respond",
        takes=s.ReasonsSerializer,
        doc="The member disputes a refusal.",
    )
    withdraw = case_action(
        services.access_request_withdraw,
        need="respond",
        takes=s.ReasonsSerializer,
        rename={"reasons": "reason"},
    )
    foi = case_action(
        services.access_request_to_foi,
        need="respond|decide",
        takes=s.ReasonsSerializer,
        doc="Handle it under FOI (not need-to-know, or the member asks): 20 FOI working days.",
        rename={"reasons": "reason"},
    )
    release = case_action(
        services.release_create,
        need="release",
        takes=s.ReleaseInputSerializer,
        doc="Release with conditions: what, what was redacted and why, the confidential marking.",
        rename={"file": "upload"},
        media="multipart/form-data",
    )

    @extend_schema(
        responses={200: s.OpeningSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]}
    )
    # Found by the API fuzz: the log is one list, not a page of one (the schema said a page).
    @action(detail=True, methods=["get"], url_path="access-log", pagination_class=None)
    def access_log(self, request, reference=None):
        """Every opening of a released document (officers releasing it see this)."""
        item, lens = self.case_and_lens(reference)
        if not lens.release:
            raise PermissionDenied("Only the officers releasing it see the access log.")
        return Response(s.OpeningSerializer(selectors.openings_for(request=item), many=True).data)

    @extend_schema(
        # Found by the API fuzz: the schema said only application/octet-stream.
        responses={
            **{(200, t): OpenApiTypes.BINARY for t in SERVED_TYPES},
            404: ERRORS[404],
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"releases/(?P<release_pk>[0-9]+)/file",
    )
    def release_file(self, request, reference=None, release_pk=None):
        """Download a released document; every opening is logged."""
        item, _ = self.case_and_lens(reference)
        return release_response(item, int(release_pk), request.user)


class FoiRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """FOI requests (opened from need-to-know requests or enquiries): yours, or your posts'."""

    serializer_class = s.FoiRequestSerializer
    queryset = FoiRequest.objects.none()
    filterset_class = FoiRequestFilter

    def get_queryset(self):
        return (
            selectors.foi_visible_to(user=self.request.user)
            .select_related("access_request")
            .order_by("-received_on", "-pk")
        )

    @extend_schema(request=s.FoiAnswerSerializer, responses={200: s.FoiRequestSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        foi = self.get_object()
        if not perms.can(request.user, perms.FOI_ANSWER, foi):
            raise PermissionDenied("You cannot answer this FOI request.")
        data = valid_data(s.FoiAnswerSerializer, request)
        done = services.foi_answer(
            foi=foi,
            actor=request.user,
            response=data["response"],
            as_of=timezone.now(),
        )
        return Response(s.FoiRequestSerializer(done).data)


router.register("access-requests", AccessRequestViewSet, basename="access-request")
router.register("foi-requests", FoiRequestViewSet, basename="foi-request")
