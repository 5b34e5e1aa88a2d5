"""Where the packaged stream goes: a local folder, an HTTP origin (the relay), ..."""

from pipeline.outputs.base import Output, OutputReport, OutputStats
from pipeline.outputs.folder import FolderOutput
from pipeline.outputs.http_push import HttpPushOutput, RetryPolicy

__all__ = ["FolderOutput", "HttpPushOutput", "Output", "OutputReport", "OutputStats", "RetryPolicy"]
