"""Send spans over OTLP/HTTP (protobuf) with the OpenTelemetry SDK's exporter.

The SDK is an optional extra (the ``otlp`` extra: ``./install.sh --otlp``, ``claude-sessions install --otlp``) and is imported
only here, when something is sent; the hooks never load this module. Spans are built as the
SDK's ``ReadableSpan`` directly, with the ids and times ``traces`` derived, because no live
tracer is involved: the session already happened.
"""

import logging
import os
import re

INSTALL_HINT = ("the OTLP exporter is not installed: add it with ./install.sh --otlp (from a checkout) or claude-sessions install --otlp "
                "(a pipx or uv tool install; add --global if the hooks are wired globally)")
TRACES_PATH = "/v1/traces"
DEFAULT_ENDPOINT = "http://localhost:4318" + TRACES_PATH
SCOPE = "claude-session-tracker"


class DeliveryError(Exception):
    """The backend could not be reached or refused the spans; nothing was marked as shipped."""


class MissingExporter(Exception):
    """The ``otlp`` extra is not installed."""


def traces_endpoint(endpoint=None, env=os.environ) -> str:
    """The URL spans are posted to: ``endpoint`` (a base URL, or one ending in /v1/traces), else the
    standard variables (``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` as is, ``OTEL_EXPORTER_OTLP_ENDPOINT``
    plus /v1/traces), else the OTLP default on localhost:4318."""
    if endpoint:
        endpoint = endpoint.rstrip("/")
        return endpoint if endpoint.endswith(TRACES_PATH) else endpoint + TRACES_PATH
    if env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return env["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + TRACES_PATH
    return DEFAULT_ENDPOINT


def _watching_session():
    """A ``requests.Session`` that remembers the last failure, so a refused or unreachable backend
    is named in one line (the exporter itself only says that the export failed)."""
    import requests

    class WatchingSession(requests.Session):
        problem = None

        def request(self, *args, **kwargs):
            try:
                response = super().request(*args, **kwargs)
            except requests.RequestException as exc:
                errno = re.search(r"\[Errno -?\d+\] [^\"')]+", str(exc))
                self.problem = errno.group(0) if errno else f"{type(exc).__name__}: {str(exc)[:200]}"
                raise
            if response.status_code >= 400:
                self.problem = f"HTTP {response.status_code} {response.reason or ''} {response.text[:200]}".strip()
            return response

    return WatchingSession()


class Sender:
    """One OTLP/HTTP exporter, reused for every batch of a run."""

    def __init__(self, endpoint: str, headers=None, timeout: float = 10.0):
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk import resources, trace
            from opentelemetry.sdk.util.instrumentation import InstrumentationScope
            from opentelemetry import trace as api
        except ImportError:
            raise MissingExporter(INSTALL_HINT) from None
        self.endpoint = endpoint
        self._sdk, self._api, self._resources = trace, api, resources
        self._scope = InstrumentationScope(SCOPE)
        self._session = _watching_session()
        self._exporter = OTLPSpanExporter(endpoint=endpoint, headers=headers or None, timeout=timeout, session=self._session)
        quiet = logging.getLogger("opentelemetry")  # the SDK's own messages become our one line
        if not quiet.handlers:
            quiet.addHandler(logging.NullHandler())
        quiet.propagate = False

    def resource(self, attributes: dict):
        return self._resources.Resource(attributes)

    def send(self, spans, resource) -> None:
        """Export ``spans`` (``traces.SpanData``) as one request; raise ``DeliveryError`` if refused."""
        if not spans:
            return
        self._session.problem = None
        readable = [self._readable(span, resource) for span in spans]
        if self._exporter.export(readable).name != "SUCCESS":
            raise DeliveryError(f"could not deliver {len(spans)} span{'' if len(spans) == 1 else 's'} to {self.endpoint}: {self._session.problem or 'no answer in time'}")

    def _readable(self, span, resource):
        api, sdk = self._api, self._sdk
        trace_id = span.trace_id
        flags = api.TraceFlags(api.TraceFlags.SAMPLED)
        context = api.SpanContext(trace_id, span.span_id, is_remote=False, trace_flags=flags)
        parent = api.SpanContext(trace_id, span.parent_id, is_remote=False, trace_flags=flags) if span.parent_id else None
        status = api.Status(api.StatusCode.ERROR, span.error) if span.error is not None else api.Status(api.StatusCode.UNSET)
        return sdk.ReadableSpan(
            span.name,
            context=context,
            parent=parent,
            resource=resource,
            attributes=span.attributes,
            events=[sdk.Event(name, attributes, when) for name, when, attributes in span.events],
            kind=api.SpanKind.INTERNAL,
            status=status,
            start_time=span.start_ns,
            end_time=span.end_ns,
            instrumentation_scope=self._scope,
        )

    def close(self) -> None:
        self._exporter.shutdown()
