"""Live metrics and the post-live report (复盘), computed from the room's event log."""
