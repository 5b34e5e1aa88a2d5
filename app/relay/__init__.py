"""The relay: takes the studio's HLS ladder in (authenticated PUT), serves it to viewers, hosts rooms."""
