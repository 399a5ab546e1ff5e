"""Small helpers every stage shares: session ids (``ids``), UTC timestamps (``timestamps``), strict
JSON text (``jsontext``), enabling site-packages for ``python -S`` hooks (``sitepackages``), JSON read without importing
``json`` (``fastjson``), token totals (``tokens``), file-system calls and the user's folders without importing ``os`` (``fastos``), files' size-and-mtime
fingerprints (``fingerprints``), writing bytes durably (``durable``), and secret redaction (``redact``: the
table of credential families behind one gate, and secrets found by context; run by the hooks, the
import, ``claude-sessions redact``, every export and every OTLP shipment).

Imports only the standard library: nothing in this package may import another of ours.
"""
