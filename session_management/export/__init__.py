"""Export: recorded sessions sent as OpenTelemetry traces over OTLP/HTTP — a session mapped to spans
(``traces``), sent through the OTel SDK (``otlp``, the only module that imports it), only what is new
since the last shipment (``shipping``, also the detached process the hooks start).

May import ``query``, ``store``, ``core`` and the spec's modules; never capture, present or install.
"""
