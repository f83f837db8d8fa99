"""JSON API for enquiries under /api/v1/enquiries/: everything the browser can do, with the same
permissions. A read the caller may not make answers 404, so references cannot be enumerated;
an action on an enquiry they may read but not act on answers 403; a refused move answers 409.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enquiries import selectors, services
from enquiries import serializers as s
from enquiries.filters import EnquiryFilter
from enquiries.models import Enquiry
from enquiries.permissions import ACT, ATTACHMENTS, FOLLOW_UP, VIEW, allowed, can
from protocol_portal.api import router, valid_data
from protocol_portal.api_parsers import JSONParser
from protocol_portal.casework.bounds import CappedPaginator, ids_merged, ids_union
from protocol_portal.casework.files import SERVED_TYPES
from protocol_portal.casework.references import reference_pattern
from protocol_portal.org.models import Member, Person, Post

NOT_FOUND = OpenApiResponse(s.EnquiryErrorSerializer, description="No such enquiry you may see.")
REFUSED = OpenApiResponse(s.EnquiryErrorSerializer, description="You may read it but not do this.")
CONFLICT = OpenApiResponse(
    s.EnquiryErrorSerializer, description="Not allowed from its current status."
)


class EnquiryFilterBackend(DjangoFilterBackend):
    """Filters limited to the caller's councils, "due this week" counted from today."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["council_ids"] = view.council_ids()
        kwargs["today"] = timezone.localdate()
        return kwargs


class EnquiryPagination(PageNumberPagination):
    """The documented page-number shape (count, next, previous, results), read in one query
    (`CappedPaginator`: the ids up to 1,000 rows, or the end of the page asked for, plus one).
    `count` is exact up to that reach; past it `more` is true and `count` is a lower bound:
    counting every enquiry a triage team may see took the list's whole time at 100,000
    (bench/README.md, "Lists that read only the page")."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["more"] = self.page.paginator.more
        return response

    def get_paginated_response_schema(self, schema):
        shape = super().get_paginated_response_schema(schema)
        shape["properties"]["more"] = {
            "type": "boolean",
            "description": "There are more enquiries than `count` (counting stops past 1,000 "
            "rows, or past the end of the page asked for).",
        }
        return shape


def _action_schema(request, summary: str):
    return extend_schema(
        summary=summary,
        request=request,
        responses={
            200: s.EnquiryDetailSerializer,
            400: OpenApiResponse(description="Bad input: the reason per field."),
            403: REFUSED,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )


class EnquiryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Member enquiries you may see: your own as a member, or those routed to, managed,
    triaged or escalated to you as an officer."""

    lookup_field = "reference"
    lookup_value_regex = reference_pattern(Enquiry.REFERENCE_PREFIX)
    filter_backends = [EnquiryFilterBackend]
    filterset_class = EnquiryFilter
    pagination_class = EnquiryPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = s.EnquiryListSerializer
    queryset = Enquiry.objects.none()

    def _held_and_sits(self) -> tuple[list, list]:
        """The caller's posts and memberships, read once a request (the filters and the list
        both ask)."""
        if not hasattr(self, "_held_sits"):
            user = self.request.user
            self._held_sits = (selectors.posts_held(user=user), selectors.memberships(user=user))
        return self._held_sits

    def council_ids(self) -> set[int]:
        held, sits = self._held_and_sits()
        return {p.council_id for p in held} | {m.council_id for m in sits}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enquiry.objects.none()
        user = self.request.user
        held, _ = self._held_and_sits()
        if not held:
            # A councillor sees the few hundred enquiries they raised or were copied into:
            # gathering them first (the semi-join) beats checking the council's every one.
            return selectors.enquiries_visible_to(user=user).order_by("due_on", "pk")
        # An officer may see thousands: walk their councils' enquiries in due order
        # (`enquiry_council_due`), checking each, and stop once the page and its count are read.
        # The council ids are given as values, so the planner can walk that index in order.
        return (
            selectors.enquiries_visible_to(user=user, per_row=True)
            .filter(council_id__in=sorted(self.council_ids()))
            .order_by("due_on", "pk")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return s.EnquiryCreateSerializer
        if self.action == "list":
            return s.EnquiryListSerializer
        return s.EnquiryDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = timezone.localdate()
        return context

    def get_object(self) -> Enquiry:
        enquiry = selectors.enquiry_by_reference(reference=self.kwargs["reference"])
        if enquiry is None or not can(self.request.user, VIEW, enquiry):
            raise Http404
        return enquiry

    def _detail(self, enquiry: Enquiry, perms: frozenset[str] | None = None) -> Response:
        perms = allowed(self.request.user, enquiry) if perms is None else perms
        officer = ACT in perms
        page = selectors.enquiry_page(
            enquiry=enquiry,
            raiser_view=not officer,
            officer_view=officer,
        )
        context = {
            **self.get_serializer_context(),
            "page": page,
            "may_see_attachments": ATTACHMENTS in perms,
        }
        return Response(s.EnquiryDetailSerializer(enquiry, context=context).data)

    def _for(self, perm: str) -> Enquiry:
        enquiry = self.get_object()
        if not can(self.request.user, perm, enquiry):
            raise PermissionDenied("You may read this enquiry but not do that.")
        return enquiry

    @extend_schema(summary="Enquiries you may see, soonest due first")
    def list(self, request, *args, **kwargs):
        # The page is chosen as ids on the enquiry table, with the count in the same query
        # (CappedPaginator), then its rows joined (selectors.hydrate).
        # An officer's councils (shared staff work for two) are read one at a time, each in
        # due order, and merged (casework.bounds.ids_merged).
        # A councillor's list is read a seat at a time and then their copies, each in due
        # order, and merged (selectors.enquiries_of_member_parts), every part filtered alike.
        held, sits = self._held_and_sits()
        if held:
            listed = self.filter_queryset(self.get_queryset())
            ids = ids_merged(listed, "council_id", self.council_ids())
        else:
            parts = selectors.enquiries_of_member_parts(user=request.user, members=sits)
            ids = ids_union([self.filter_queryset(part) for part in parts])
        ids = self.paginate_queryset(ids)
        page = selectors.hydrate(ids)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="One enquiry with its timeline",
        responses={200: s.EnquiryDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request, *args, **kwargs):
        # The permissions are read once: they decide both the 404 and what the reader sees. The
        # enquiry is read as the page reads it: what it shows, and which lists are empty.
        enquiry = selectors.enquiry_for_page(reference=self.kwargs["reference"])
        perms = allowed(request.user, enquiry) if enquiry is not None else frozenset()
        if VIEW not in perms:
            raise Http404
        return self._detail(enquiry, perms)

    @extend_schema(
        summary="Log an enquiry: a member their own; an officer or member services for a member",
        request={
            "application/json": s.EnquiryCreateSerializer,
            "multipart/form-data": s.EnquiryCreateSerializer,
        },
        responses={
            201: s.EnquiryDetailSerializer,
            400: OpenApiResponse(description="Bad input"),
            403: REFUSED,
        },
    )
    def create(self, request, *args, **kwargs):
        memberships = selectors.memberships(user=request.user)
        officer_council_ids = {p.council_id for p in selectors.posts_held(user=request.user)}
        if not memberships and not officer_council_ids:
            raise PermissionDenied("Only members and council officers log enquiries.")
        data = valid_data(
            s.EnquiryCreateSerializer,
            request,
            memberships=memberships,
            officer_council_ids=officer_council_ids,
            own_username=request.user.username,
        )
        # An officer logging for the member gives how and when it was received; the service
        # checks the moment of receipt (never in the future, never before the member took
        # office, at most a year back) and refuses with a 400 naming received_at.
        enquiry = services.enquiry_create(**data, actor=request.user, as_of=timezone.now())
        response = self._detail(enquiry)
        response.status_code = status.HTTP_201_CREATED
        return response

    # ---------------------------------------------------------------- officer actions

    @_action_schema(None, "Accept the enquiry")
    @action(detail=True, methods=["post"])
    def accept(self, request, reference=None):
        enquiry = self._for(ACT)
        return self._detail(
            services.enquiry_accept(enquiry=enquiry, actor=request.user, as_of=timezone.now())
        )

    @_action_schema(s.EnquiryReassignSerializer, "Pass the enquiry to another post")
    @action(detail=True, methods=["post"])
    def reassign(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryReassignSerializer, request, council_ids=enquiry.council_id)
        return self._detail(
            services.enquiry_reassign(
                enquiry=enquiry,
                to_post=data["to_post"],
                reason=data["reason"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(s.EnquiryQuestionSerializer, "Ask the member for clarification (clock pauses)")
    @action(detail=True, methods=["post"])
    def clarify(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryQuestionSerializer, request)
        return self._detail(
            services.enquiry_request_clarification(
                enquiry=enquiry,
                question=data["question"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(s.EnquiryResponseSerializer, "Respond to the member")
    @action(detail=True, methods=["post"])
    def respond(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryResponseSerializer, request)
        return self._detail(
            services.enquiry_respond(
                enquiry=enquiry,
                response=data["response"],
                process_only=data["process_only"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(s.EnquiryCloseSerializer, "Close the enquiry")
    @action(detail=True, methods=["post"])
    def close(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryCloseSerializer, request)
        return self._detail(
            services.enquiry_close(
                enquiry=enquiry, reason=data["reason"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(s.EnquiryReasonSerializer, "Reopen (members within the council's window)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, reference=None):
        enquiry = self.get_object()
        perms = allowed(request.user, enquiry)
        if ACT not in perms and FOLLOW_UP not in perms:
            raise PermissionDenied("You may read this enquiry but not reopen it.")
        data = valid_data(s.EnquiryReasonSerializer, request)
        return self._detail(
            services.enquiry_reopen(
                enquiry=enquiry,
                reason=data["reason"],
                actor=request.user,
                as_of=timezone.now(),
                by_member=ACT not in perms,
            )
        )

    @_action_schema(s.EnquiryNoteSerializer, "This is a complaint: refer to the Complaints Team")
    @action(detail=True, methods=["post"], url_path="refer-complaint")
    def refer_complaint(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryNoteSerializer, request)
        return self._detail(
            services.enquiry_refer_complaint(
                enquiry=enquiry, note=data["note"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(s.EnquiryNoteSerializer, "This is an FOI request: start the FOI clock")
    @action(detail=True, methods=["post"], url_path="refer-foi")
    def refer_foi(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryNoteSerializer, request)
        return self._detail(
            services.enquiry_refer_foi(
                enquiry=enquiry, note=data["note"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(s.EnquiryNoteSerializer, "Access refused or in doubt: refer to the MO")
    @action(detail=True, methods=["post"], url_path="refer-access")
    def refer_access(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryNoteSerializer, request)
        return self._detail(
            services.enquiry_refer_access(
                enquiry=enquiry, note=data["note"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(s.EnquiryFlagsSerializer, "Set the flags (legal, other ward, policy, urgency)")
    @action(detail=True, methods=["post"])
    def flags(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryFlagsSerializer, request)
        return self._detail(
            services.enquiry_set_flags(
                enquiry=enquiry, actor=request.user, as_of=timezone.now(), **data
            )
        )

    def _either_side(self) -> Enquiry:
        """The member or the officers handling it (a stage, a dispute about urgency)."""
        enquiry = self.get_object()
        if not {ACT, FOLLOW_UP} & allowed(self.request.user, enquiry):
            raise PermissionDenied("Only the member or the officers handling it can do that.")
        return enquiry

    @_action_schema(
        s.EnquiryReasonSerializer,
        "Move to the next stage the council's rule names (000 §13.6; 002 §79; 004 §12.9)",
    )
    @action(detail=True, methods=["post"], url_path="next-stage")
    def next_stage(self, request, reference=None):
        enquiry = self._either_side()
        data = valid_data(s.EnquiryReasonSerializer, request)
        return self._detail(
            services.enquiry_next_stage(
                enquiry=enquiry, reason=data["reason"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(s.EnquiryReasonSerializer, "Refer a dispute about urgency (002 §30)")
    @action(detail=True, methods=["post"], url_path="dispute-urgency")
    def dispute_urgency(self, request, reference=None):
        enquiry = self._either_side()
        data = valid_data(s.EnquiryReasonSerializer, request)
        return self._detail(
            services.enquiry_dispute_urgency(
                enquiry=enquiry, reason=data["reason"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(
        s.EnquiryDecideUrgencySerializer, "The dispute stage's handler decides urgency (002 §30)"
    )
    @action(detail=True, methods=["post"], url_path="decide-urgency")
    def decide_urgency(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryDecideUrgencySerializer, request)
        return self._detail(
            services.enquiry_decide_urgency(
                enquiry=enquiry,
                urgent=data["urgent"],
                reason=data["reason"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(
        s.EnquiryReasonSerializer,
        "Not for member services: refer to their service head (004 §2.2.7)",
    )
    @action(detail=True, methods=["post"], url_path="refer-inappropriate")
    def refer_inappropriate(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryReasonSerializer, request)
        return self._detail(
            services.enquiry_refer_inappropriate(
                enquiry=enquiry, reason=data["reason"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(
        s.EnquiryConfidenceExceptionSerializer,
        "The confidence does not hold: refer for investigation (000 §7.20)",
    )
    @action(detail=True, methods=["post"], url_path="confidence-exception")
    def confidence_exception(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryConfidenceExceptionSerializer, request)
        return self._detail(
            services.enquiry_confidence_exception(
                enquiry=enquiry,
                ground=data["ground"],
                reason=data["reason"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(
        s.EnquiryAuthoritySerializer, "The additional work needs authority (004 §10.1.2)"
    )
    @action(detail=True, methods=["post"], url_path="needs-authority")
    def needs_authority(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryAuthoritySerializer, request)
        return self._detail(
            services.enquiry_needs_authority(
                enquiry=enquiry,
                authority=data["authority"],
                note=data["note"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(s.EnquiryAuthorityDecidedSerializer, "Record the decision on authority")
    @action(detail=True, methods=["post"], url_path="authority-decided")
    def authority_decided(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryAuthorityDecidedSerializer, request)
        return self._detail(
            services.enquiry_authority_decided(
                enquiry=enquiry,
                given=data["given"],
                note=data["note"],
                actor=request.user,
                as_of=timezone.now(),
            )
        )

    @_action_schema(s.EnquiryInvolvedSerializer, "Mark an officer as involved in the proceedings")
    @action(detail=True, methods=["post"])
    def involved(self, request, reference=None):
        enquiry = self._for(ACT)
        data = valid_data(s.EnquiryInvolvedSerializer, request)
        officer = Person.objects.filter(
            username=data["officer"], posts__council_id=enquiry.council_id
        ).first()
        if officer is None:
            raise ValidationError({"officer": ["No officer of the council has that username."]})
        return self._detail(
            services.enquiry_mark_involved(
                enquiry=enquiry, officer=officer, actor=request.user, as_of=timezone.now()
            )
        )

    @extend_schema(
        summary="Pass several enquiries to one post",
        request=s.EnquiryBulkReassignSerializer,
        responses={
            200: s.EnquiryBulkResultSerializer,
            400: OpenApiResponse(description="Bad input"),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-reassign")
    def bulk_reassign(self, request):
        data = valid_data(s.EnquiryBulkReassignSerializer, request)
        post = Post.objects.filter(council__slug=data["council"], slug=data["to_post"]).first()
        if post is None:
            raise ValidationError({"to_post": ["No such post in that council."]})
        found = {
            e.reference: e
            for e in Enquiry.objects.select_related("council").filter(
                reference__in=data["references"], council_id=post.council_id
            )
        }
        refused = [
            r for r in data["references"] if r not in found or not can(request.user, ACT, found[r])
        ]
        if refused:
            raise ValidationError({"references": [f"You cannot act on: {', '.join(refused)}."]})
        moved = services.enquiries_bulk_reassign(
            enquiries=list(found.values()),
            to_post=post,
            reason=data["reason"],
            actor=request.user,
            as_of=timezone.now(),
        )
        return Response({"moved": moved})

    # ---------------------------------------------------------------- member actions

    @_action_schema(s.EnquiryReplySerializer, "Reply to the officer's clarification request")
    @action(detail=True, methods=["post"])
    def reply(self, request, reference=None):
        enquiry = self._for(FOLLOW_UP)
        data = valid_data(s.EnquiryReplySerializer, request)
        return self._detail(
            services.enquiry_reply(
                enquiry=enquiry, text=data["text"], actor=request.user, as_of=timezone.now()
            )
        )

    @_action_schema(
        s.EnquiryShareSerializer,
        "Copy another member in (the requester; an officer where the council's protocol lets "
        "correspondence be shared: 001 §5.3.9.2, 004 §14.2)",
    )
    @action(detail=True, methods=["post"])
    def share(self, request, reference=None):
        enquiry = self._for(VIEW)
        data = valid_data(s.EnquiryShareSerializer, request)
        member = Member.objects.filter(
            council_id=enquiry.council_id, person__username=data["member"]
        ).first()
        if member is None:
            raise ValidationError({"member": ["No member of the council has that username."]})
        services.enquiry_share_with_member(
            enquiry=enquiry, member=member, actor=request.user, as_of=timezone.now()
        )
        return self._detail(self.get_object())

    @_action_schema(
        s.EnquiryConfidentialSerializer,
        "Keep the enquiry confidential, or release it from confidence, as the council's "
        "protocol lets (001 §5.3.9.2; 004 §14.2)",
    )
    @action(detail=True, methods=["post"])
    def confidential(self, request, reference=None):
        enquiry = self._for(VIEW)
        data = valid_data(s.EnquiryConfidentialSerializer, request)
        return self._detail(
            services.enquiry_set_confidential(
                enquiry=enquiry, keep=data["keep"], actor=request.user, as_of=timezone.now()
            )
        )

    @extend_schema(
        summary="Download an attachment",
        # Served as the type its first bytes proved (casework.files), not only octet-stream.
        responses={
            **{(200, t): OpenApiTypes.BINARY for t in SERVED_TYPES},
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment(self, request, reference=None, attachment_id=None):
        enquiry = self.get_object()
        if not can(request.user, ATTACHMENTS, enquiry):
            raise Http404
        item = enquiry.attachments.filter(pk=attachment_id).first()
        if item is None:
            raise Http404
        return FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )


router.register("enquiries", EnquiryViewSet, basename="enquiry")
