"""JSON API for complaints under /api/v1/: the same services and permissions as the browser,
refusing as every case type's API does (protocol_portal/api.py)."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from complaints import selectors, services
from complaints import serializers as s
from complaints.filters import ComplaintFilter
from complaints.models import Complaint, Determination, QuarterlySummary
from protocol_portal.api import (
    CaseViewSet,
    case_action,
    error_responses,
    logged_for,
    router,
    valid_data,
)

_TEXT = {"type": "string", "readOnly": True}
_MAYBE = {"type": "string", "readOnly": True, "nullable": True}
# What the person complained about sees (SubjectComplaintSerializer), written out: the other two
# shapes are components already (the actions answer with them).
RETRIEVE_SHAPES = {
    "anyOf": [
        {"$ref": "#/components/schemas/HandlerComplaint"},
        {"$ref": "#/components/schemas/Complaint"},
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "reference": _TEXT,
                "status": _TEXT,
                "stage": _TEXT,
                "handler_title": _TEXT,
                "rule_source": _TEXT,
                "subject_release_text": _TEXT,
                "released_at": {**_MAYBE, "format": "date-time"},
            },
            "required": ["id", "reference", "status", "stage"],
        },
    ]
}
ERRORS = error_responses(s.ErrorSerializer, noun="complaint")


class ComplaintViewSet(CaseViewSet):
    """Complaints and concerns you raised, handle, were copied into or may oversee."""

    serializer_class = s.ComplaintListSerializer
    queryset = Complaint.objects.none()
    filterset_class = ComplaintFilter
    visible_to = staticmethod(selectors.complaints_visible_to)
    by_pk = staticmethod(selectors.complaint_by_pk)
    lens_for = staticmethod(selectors.complaint_lens)
    case_kw = noun = "complaint"
    action_answers, action_errors = s.HandlerComplaintSerializer, ERRORS

    def answer(self, complaint: Complaint) -> Response:
        complaint = selectors.complaint_by_pk(pk=complaint.pk)
        lens = self.lens(complaint)
        return Response(self._output(complaint, lens))

    def _output(self, complaint, lens) -> dict:
        if not lens.view:
            return s.SubjectComplaintSerializer(complaint).data
        if lens.disciplinary:
            return s.HandlerComplaintSerializer(complaint).data
        return s.ComplaintSerializer(complaint).data

    @extend_schema(
        responses={
            # Found by the API fuzz: the complainant's shape (no disciplinary notes) and the
            # subject's were answered but only the handler's was documented.
            200: OpenApiResponse(
                RETRIEVE_SHAPES,
                description="Handler-side roles get this shape; the complainant and copied "
                "posts get it without disciplinary notes; the person complained about gets only "
                "what was released to them (id, reference, status, stage, handler_title, "
                "rule_source, subject_release_text, released_at).",
            ),
            404: ERRORS[404],
        }
    )
    def retrieve(self, request, reference=None):
        complaint, lens = self.case_and_lens(reference)
        return Response(self._output(complaint, lens))

    @extend_schema(
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintSerializer, 400: ERRORS[400]},
    )
    def create(self, request):
        data = valid_data(s.ComplaintCreateSerializer, self.request)

        def done(complaint):
            return Response(
                s.ComplaintSerializer(selectors.complaint_by_pk(pk=complaint.pk)).data,
                status=status.HTTP_201_CREATED,
            )

        logged = logged_for(data, council=data["council"], user=request.user)
        return done(
            services.complaint_raise(
                raiser=logged["person"],
                channel=logged["channel"],
                received_at=logged["received_at"],
                actor=logged["actor"],
                as_of=timezone.now(),
                **data,
            )
        )

    @extend_schema(
        request=s.ComplaintPreviewInputSerializer,
        responses={200: s.RoutePreviewSerializer, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Which route applies and why, before anything is written."""
        data = valid_data(s.ComplaintPreviewInputSerializer, self.request)

        def shape(result):
            plan, _ = result
            return Response(
                {
                    "level": plan.level,
                    "routed_as": plan.routed_as,
                    "stage": plan.stage,
                    "rule_key": plan.route.rule_key,
                    "source": plan.route.source,
                    "protocol_silent": plan.protocol_silent,
                    "handler": plan.handler_title,
                    "handler_post": plan.handler_post.slug if plan.handler_post else None,
                    "copied_to": list(plan.copied_titles),
                    "deadline_days": plan.deadline_days,
                    "deadline_calendar": plan.deadline_calendar,
                    "next_stage": plan.route.next_stage,
                    "next_stage_handler": plan.next_step.handler_title if plan.next_step else "",
                    "next_stage_source": plan.next_step.source if plan.next_step else "",
                    "informal_first": plan.informal_first,
                    "explanation": plan.explanation,
                }
            )

        return shape(services.complaint_preview(raiser=request.user, **data))

    acknowledge = case_action(
        services.complaint_acknowledge,
        need="act",
        takes=s.AcknowledgeSerializer,
        doc="Acknowledge; say whether you will act or how long you need (004 §11.3).",
    )
    nominate_investigator = case_action(
        services.complaint_nominate_investigator,
        need="act",
        takes=s.InvestigatorSerializer,
        doc="Nominate a manager to investigate (003 §67).",
        url_path="nominate-investigator",
    )
    outcome = case_action(
        services.complaint_give_outcome,
        need="act",
        takes=s.OutcomeSerializer,
        doc="Give the outcome with reasons and whether action was taken (004 §11.4).",
    )
    disciplinary_notes = case_action(
        services.complaint_note_disciplinary,
        need="act",
        takes=s.DisciplinaryNotesSerializer,
        doc="Disciplinary notes, seen only by handler-side roles (004 §11.5).",
        url_path="disciplinary-notes",
    )
    respond = case_action(
        services.complaint_respond,
        need="respond",
        takes=s.RespondSerializer,
        answers=s.ComplaintSerializer,
        doc="The complainant is satisfied, escalates (004 §11.6), or closes it dissatisfied.",
    )
    withdraw = case_action(
        services.complaint_withdraw,
        need="respond",
        takes=s.WithdrawSerializer,
        answers=s.ComplaintSerializer,
    )
    release_to_subject = case_action(
        services.complaint_release_to_subject,
        need="act",
        takes=s.ReleaseSerializer,
        doc="Release to the person concerned what natural justice requires.",
        url_path="release-to-subject",
    )

    @extend_schema(
        request=s.DeterminationInputSerializer, responses={201: s.DeterminationSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def determine(self, request, reference=None):
        """The Monitoring Officer's determination (004 §15.2–15.5); never edited afterwards."""
        complaint, lens = self.case_and_lens(reference)
        self.need(lens, "determine")
        data = valid_data(s.DeterminationInputSerializer, self.request)
        det = services.determination_issue(
            complaint=complaint, actor=request.user, as_of=timezone.now(), **data
        )
        return Response(s.DeterminationSerializer(det).data, status=status.HTTP_201_CREATED)


class DeterminationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monitoring Officer's determinations: read, or supersede with a reason."""

    serializer_class = s.DeterminationSerializer
    queryset = Determination.objects.none()

    def get_queryset(self):
        visible = selectors.complaints_visible_to(user=self.request.user).values("pk")
        return Determination.objects.filter(complaint__in=visible)

    @extend_schema(
        request=s.SupersedeSerializer, responses={201: s.DeterminationSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def supersede(self, request, pk=None):
        """Replace an issued determination, recording why; the old one stays as it was."""
        determination = self.get_object()
        lens = selectors.complaint_lens(user=request.user, complaint=determination.complaint)
        if not lens.determine:
            raise PermissionDenied("Only the Monitoring Officer can supersede a determination.")
        data = valid_data(s.SupersedeSerializer, request)
        det = services.determination_supersede(
            determination=determination,
            actor=request.user,
            as_of=timezone.now(),
            **data,
        )
        return Response(s.DeterminationSerializer(det).data, status=status.HTTP_201_CREATED)


class QuarterlySummaryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Quarterly summaries of alleged breaches for the Standards Committee (004 §15.4)."""

    serializer_class = s.QuarterlySummarySerializer
    queryset = QuarterlySummary.objects.none()

    def get_queryset(self):
        return selectors.summaries_visible_to(user=self.request.user)

    @extend_schema(
        request=s.SummaryGenerateSerializer, responses={201: s.QuarterlySummarySerializer, **ERRORS}
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Make (or remake) a quarter's summary now: the MO or the CE of that council."""
        data = valid_data(s.SummaryGenerateSerializer, request)
        if (
            not selectors.summary_councils_for(user=request.user)
            .filter(pk=data["council"].pk)
            .exists()
        ):
            raise PermissionDenied("Only the Monitoring Officer or the Chief Executive can.")
        start, end = selectors.quarter_bounds(date(data["year"], (data["quarter"] - 1) * 3 + 1, 1))
        summary = services.summary_generate(
            council=data["council"], start=start, end=end, as_of=timezone.now()
        )
        return Response(s.QuarterlySummarySerializer(summary).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def csv(self, request, pk=None):
        """The summary as CSV (cells that a spreadsheet would run as formulas are escaped)."""
        summary = self.get_object()
        response = HttpResponse(
            selectors.summary_csv(summary=summary),
            content_type=selectors.SUMMARY_CSV_CONTENT_TYPE,
        )
        response["Content-Disposition"] = (
            f'attachment; filename="breaches-{summary.council.slug}-{summary.quarter_start}.csv"'
        )
        return response


router.register("complaints", ComplaintViewSet, basename="complaint")
router.register(
    "complaint-determinations", DeterminationViewSet, basename="complaint-determination"
)
router.register("complaint-summaries", QuarterlySummaryViewSet, basename="complaint-summary")
