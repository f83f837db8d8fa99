"""Vale of White Horse DC: the same protocol (002) and the same shared staff as South
Oxfordshire DC, so the same scenarios route the same way (only wards, groups and committees
differ, and no rule depends on them).
"""

from tests.org.expectations.south_oxfordshire import EXPECTED as _SOUTH_OXFORDSHIRE

COUNCIL = "vale-of-white-horse"

EXPECTED = [dict(expected) for expected in _SOUTH_OXFORDSHIRE]
