"""Export: send recorded sessions elsewhere (the OpenTelemetry exporter will live here).

May import ``query``, ``store``, ``core`` and the spec's modules; never capture, present or install.
"""
