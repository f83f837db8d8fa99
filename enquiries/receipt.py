"""When and how an enquiry reached the council: the rules are the kernel's, shared with
complaints and need-to-know requests (`protocol_portal/casework/receipt.py`)."""

from __future__ import annotations

from protocol_portal.casework.receipt import RECEIVED, receipt_errors, received_text

__all__ = ["RECEIVED", "receipt_errors", "received_text"]
