"""Hand-offs between case types, without one case app importing another (STYLE: the kernel
never imports a case app, and case apps import only the kernel).

`treated_as_foi` is sent when a case of one type is found to be a Freedom of Information request
(an enquiry referred to FOI, 003 §59): the app that handles FOI requests opens one, its twenty
working days running from the day the council first received the request (FOIA s.10(1)), so it
appears in the FOI list. Keyword arguments: `council`, `reference` (the case it came from),
`requester` (a Person), `what`, `directorate` (or None), `received_on`, `due_on` (the FOI due
date the sender computed, or None), `reason`, `actor`, `as_of`.
"""

from __future__ import annotations

from django.dispatch import Signal

treated_as_foi = Signal()
