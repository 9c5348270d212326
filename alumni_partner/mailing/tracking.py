"""Signed open-pixel and unsubscribe links (skeleton)."""
