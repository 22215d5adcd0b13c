"""Who a call's customer is, for linking their calls (repeat contacts, the customer page).

    customer_key(metadata, salt)  "ref:<customer_ref>" where the metadata names the
                                  customer; else "tel:<HMAC-SHA256 of the caller number>"
                                  when a salt is set (CALLQA_CUSTOMER_SALT); else None

The number itself is never stored: the same number with the same salt gives the same key,
so a customer's calls link up, and the key cannot be turned back into the number without
the salt. Without a salt, calls are linked by ``customer_ref`` only.
"""

from __future__ import annotations

import hashlib
import hmac

from pipeline.metadata import CallMetadata

__all__ = ["customer_key"]


def customer_key(metadata: CallMetadata, salt: str | None) -> str | None:
    if metadata.customer_ref:
        return f"ref:{metadata.customer_ref}"
    if metadata.caller_number and salt:
        digest = hmac.new(salt.encode("utf-8"), metadata.caller_number.encode("ascii"),
                          hashlib.sha256).hexdigest()
        return f"tel:{digest[:40]}"
    return None
