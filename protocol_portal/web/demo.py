"""The demo logins page (`/demo/logins/`): every demo person, what they are, and their login, so
a visitor can sign in as whoever a case names. Only routed when the DEMO setting is on (bin/up);
a real installation never has it."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from protocol_portal.org.demo import DEMO_PASSWORD
from protocol_portal.org.models import Council, Member, Post


def demo_logins(request):
    """Every council's posts and members with the login of whoever holds each (4 queries)."""
    if not settings.DEMO:
        raise Http404("Only a demo site lists its logins.")
    councils = list(Council.objects.order_by("name"))
    posts = defaultdict(list)
    for post in (
        Post.objects.filter(holder__isnull=False)
        .select_related("holder", "directorate")
        .order_by("directorate__name", "title")
    ):
        posts[post.council_id].append(post)
    members = defaultdict(list)
    for member in (
        Member.objects.select_related("person", "ward", "group")
        .prefetch_related("roles__committee")
        .order_by("ward__name", "person__username")
    ):
        members[member.council_id].append(member)
    rows = [(council, posts[council.pk], members[council.pk]) for council in councils]
    return render(request, "web/demo_logins.html", {"rows": rows, "password": DEMO_PASSWORD})
