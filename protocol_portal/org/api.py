"""The JSON API for the acts a relationship bar can stop: a seat on a committee or an
appointment panel, a member role. Each goes through `org.bars`: refused with the paragraph (400),
unless the Monitoring Officer has overridden a bar the council file lets them override.
For the council's admins only (the model's change permission)."""

from __future__ import annotations

from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from protocol_portal.api import router
from protocol_portal.org import bars
from protocol_portal.org.models import (
    AppointmentPanel,
    Committee,
    Council,
    Directorate,
    Member,
    MemberRoleKind,
)


class SeatSerializer(serializers.Serializer):
    council = serializers.SlugField()
    member = serializers.CharField(max_length=150, help_text="The member's username.")


class CommitteeSeatSerializer(SeatSerializer):
    committee = serializers.SlugField()


class PanelSeatSerializer(SeatSerializer):
    panel = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class MemberRoleSerializer(SeatSerializer):
    kind = serializers.ChoiceField(choices=MemberRoleKind.choices)
    portfolio = serializers.CharField(max_length=200, required=False, allow_blank=True)
    directorates = serializers.ListField(
        child=serializers.SlugField(), required=False, max_length=50
    )
    committee = serializers.SlugField(required=False, allow_blank=True)


def _found(queryset, field: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise exceptions.ValidationError({field: ["Not found in this council."]})
    return found


class _ActViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    permission = ""
    serializer_class = SeatSerializer

    def _begin(self, request):
        if not request.user.has_perm(self.permission):
            raise exceptions.PermissionDenied("Only the council's admins may do this.")
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        council = _found(Council.objects, "council", slug=data["council"])
        member = _found(
            Member.objects.select_related("person", "council"),
            "member",
            council=council,
            person__username=data["member"],
        )
        return data, council, member


class CommitteeSeatViewSet(_ActViewSet):
    permission = "org.change_committee"
    serializer_class = CommitteeSeatSerializer

    def create(self, request):
        data, council, member = self._begin(request)
        committee = _found(Committee.objects, "committee", council=council, slug=data["committee"])
        bars.committee_member_add(committee=committee, member=member)
        return Response(
            {"committee": committee.slug, "member": member.person.username},
            status=status.HTTP_201_CREATED,
        )


class PanelSeatViewSet(_ActViewSet):
    permission = "org.change_appointmentpanel"
    serializer_class = PanelSeatSerializer

    def create(self, request):
        data, council, member = self._begin(request)
        panel = _found(AppointmentPanel.objects, "panel", council=council, pk=data["panel"])
        bars.panel_member_add(panel=panel, member=member)
        return Response(
            {"panel": panel.pk, "member": member.person.username}, status=status.HTTP_201_CREATED
        )


class MemberRoleViewSet(_ActViewSet):
    permission = "org.add_memberrole"
    serializer_class = MemberRoleSerializer

    def create(self, request):
        data, council, member = self._begin(request)
        slugs = data.get("directorates") or []
        directorates = list(Directorate.objects.filter(council=council, slug__in=slugs))
        if len(directorates) != len(set(slugs)):
            raise exceptions.ValidationError({"directorates": ["Not found in this council."]})
        committee = (
            _found(Committee.objects, "committee", council=council, slug=data["committee"])
            if data.get("committee")
            else None
        )
        role = bars.member_role_give(
            member=member,
            kind=data["kind"],
            portfolio=data.get("portfolio", ""),
            directorates=directorates,
            committee=committee,
        )
        return Response(
            {"id": role.pk, "kind": role.kind, "member": member.person.username},
            status=status.HTTP_201_CREATED,
        )


router.register("org/committee-seats", CommitteeSeatViewSet, basename="org-committee-seat")
router.register("org/panel-seats", PanelSeatViewSet, basename="org-panel-seat")
router.register("org/member-roles", MemberRoleViewSet, basename="org-member-role")
