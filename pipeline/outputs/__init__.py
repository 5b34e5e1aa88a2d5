"""Where the packaged stream goes: a local folder, an HTTP origin (the relay), a recording, ..."""

from pipeline.outputs.base import Output, OutputReport, OutputStats
from pipeline.outputs.folder import FolderOutput
from pipeline.outputs.http_push import HttpPushOutput, RetryPolicy
from pipeline.outputs.recording import RecordingOutput
from pipeline.outputs.rtmp import RtmpOutput
from pipeline.outputs.whip import WhipOutput

__all__ = [
    "FolderOutput",
    "HttpPushOutput",
    "Output",
    "OutputReport",
    "OutputStats",
    "RecordingOutput",
    "RetryPolicy",
    "RtmpOutput",
    "WhipOutput",
]
