"""Query: read recorded sessions back as summaries, timelines and (soon) the index, search and usage.

May import ``core``, ``store`` and the spec's modules; never capture, present, install or export.
"""
