"""The pre-flight check before Go Live: is everything the show needs there and working?

Each check gives one or more :class:`PreflightRow` — an id, a level (``ok``, ``warning``: the show can
go on but something is off, ``error``: the show would fail or look broken), and a title, a detail and a
hint (the fix) in English and Chinese:

- the camera (none, or the host camera showing the test pattern / its placeholder: warning);
- the microphone (none: warning) and its level over about a second (silent or muted: warning);
- the relay: reachable (refused or no answer: error, naming the URL), the stream key accepted (error
  when not; ``GET …/ingest/check``, app/relay/ingest_check.py) and the upload speed, measured by sending
  it a couple of MB (``POST …/ingest/bandwidth``) against what the stream needs (every canvas's rungs and
  sound, plus the realtime copy and each RTMP/WHIP destination): under 1.5x warning, under 1x error;
- the CPU: the x264 pre-flight the session runs before going live (pipeline/adaptive.py), its verdict
  in its own words (short of the frame rate: error; short of the headroom only: warning);
- the disk, when recording: the free space against four hours of the recording (less: warning; under
  ten minutes: error);
- the run-of-show (app/rundown.py, the relay's ``GET …/rundown``): its products out of stock (error)
  or nearly (warning) in the room's cart, and each of ``check_claims``'s findings.

:class:`Preflight` runs the checks at once, each on its own thread with its own timeout; a check that
raises or overruns becomes an error row with the reason, never an exception. Rows arrive through
``on_rows`` as each check finishes (the studio's dialog updates as they come: ui/preflight_dialog.py).
Qt-free: the checks take the session's parts, or plain values in tests.

The package by area: ``rows`` (the row and check records), ``runner`` (:class:`Preflight`),
``machine`` (camera, microphone, disk), ``encoder`` (the CPU: x264), ``network`` (the relay, the key,
the upload speed), ``rundown_check`` (the run-of-show) and ``studio`` (the studio session's checks).
"""

from app.preflight.encoder import ENCODER_TITLE, EncodeVerdict, check_encoder, formats_verdict, ladder_verdict
from app.preflight.machine import (
    CAMERA_TITLE,
    LISTEN_S,
    MIC_TITLE,
    RECORDING_HOURS,
    RECORDING_MIN_S,
    SILENT_DBFS,
    check_camera,
    check_disk,
    check_microphone,
)
from app.preflight.network import (
    KEY_TITLE,
    PROBE_BYTES,
    PROBE_SECONDS,
    RELAY_TITLE,
    UPLOAD_HEADROOM,
    UPLOAD_TITLE,
    UploadNeed,
    check_relay,
    upload_level,
    upload_need,
)
from app.preflight.rows import LEVELS, NO_HINT, Check, Level, PreflightRow, worst
from app.preflight.rundown_check import LOW_STOCK, RUNDOWN_TITLE, check_rundown, products_by_sku, rundown_rows
from app.preflight.runner import Preflight
from app.preflight.studio import session_checks

__all__ = [
    "CAMERA_TITLE",
    "ENCODER_TITLE",
    "KEY_TITLE",
    "LEVELS",
    "LISTEN_S",
    "LOW_STOCK",
    "MIC_TITLE",
    "NO_HINT",
    "PROBE_BYTES",
    "PROBE_SECONDS",
    "RECORDING_HOURS",
    "RECORDING_MIN_S",
    "RELAY_TITLE",
    "RUNDOWN_TITLE",
    "SILENT_DBFS",
    "UPLOAD_HEADROOM",
    "UPLOAD_TITLE",
    "Check",
    "EncodeVerdict",
    "Level",
    "Preflight",
    "PreflightRow",
    "UploadNeed",
    "check_camera",
    "check_disk",
    "check_encoder",
    "check_microphone",
    "check_relay",
    "check_rundown",
    "formats_verdict",
    "ladder_verdict",
    "products_by_sku",
    "rundown_rows",
    "session_checks",
    "upload_level",
    "upload_need",
    "worst",
]
