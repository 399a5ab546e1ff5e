"""Small helpers every stage shares: session ids, timestamps, strict JSON text, site-packages.

Imports only the standard library: nothing in this package may import another of ours.
"""
