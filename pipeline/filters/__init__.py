"""Video and audio filters: pure media code (numpy, OpenCV, noisereduce), no plugin or UI glue."""
