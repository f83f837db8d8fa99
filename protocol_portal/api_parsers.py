"""The API's request parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] and every viewset that
names its own): DRF's, except that JSON nested deeper than any endpoint takes is a 400 with a
reason, where 5,000 levels raised RecursionError inside the decoder, a 500 (security probe F8).
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body any endpoint takes is an object holding a list of ids (2 levels); 32 leaves
# room for any client's envelope and is far below where Python's decoder gives up (about 1,000).
JSON_DEPTH_MOST = 32
TOO_DEEP = (
    f"The JSON is nested too deeply: use at most {JSON_DEPTH_MOST} levels of objects and lists."
)


def json_depth_over(data: object, most: int = JSON_DEPTH_MOST) -> bool:
    """Whether lists and objects nest more than `most` deep (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > most:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a bound on nesting: a 400 "nested too deeply", never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if json_depth_over(data):
            raise ParseError(TOO_DEEP)
        return data


# What every API view parses, in DRF's default order; viewsets that name their own use these.
PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
