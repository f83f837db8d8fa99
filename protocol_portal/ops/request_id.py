"""One id per request, in every log line it causes, here and in the Celery tasks it publishes.

The middleware takes the proxy's X-Request-ID when REQUEST_ID_TRUST_HEADER is on (and the value
looks like an id), or makes one, and sends it back on the response. Publishing a task copies
the id into the message's headers; the worker restores it while the task runs. A task nobody's
request published (the beat's sweeps) gets an id of its own, so its lines still group.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from celery import signals
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
TASK_HEADER = "portal_request_id"
# Ids from outside are logged, so only short, plain ones are taken (no spaces, quotes, newlines).
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _current.get()


def _new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        trusted = settings.REQUEST_ID_TRUST_HEADER and _ACCEPTABLE.fullmatch(incoming)
        request_id = incoming if trusted else _new_id()
        request.request_id = request_id
        # Kept until the response is finished (not reset on the way out): Django logs a 4xx or
        # 5xx after the middleware has returned.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def _request_done(**kwargs):
    _current.set("-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the formatters print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    if headers is not None and _current.get() != "-":
        headers.setdefault(TASK_HEADER, _current.get())


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _restore_request_id(task_id=None, task=None, **kwargs):
    carried = None
    if task is not None:
        # A worker puts custom headers on the request itself; an inline run keeps them apart.
        carried = getattr(task.request, TASK_HEADER, None) or (
            getattr(task.request, "headers", None) or {}
        ).get(TASK_HEADER)
    _task_tokens[task_id] = _current.set(carried or _new_id())


@signals.task_postrun.connect
def _forget_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
