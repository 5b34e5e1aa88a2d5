"""Which local addresses WebRTC (aiortc's ICE, aioice) offers as candidates.

By default every interface's address except loopback. A server with several interfaces may want
to offer only one, and tests on one machine want loopback only (the environment notes); aioice
has no setting for it, so its address lookup is replaced for the whole process. Configured by the
``--ice-host`` options or the ``SHOPCAST_ICE_HOSTS`` environment variable (comma-separated), which
child processes (the bundled relay, pushers) inherit.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence

ENV = "SHOPCAST_ICE_HOSTS"


def hosts_from_env() -> tuple[str, ...]:
    """The addresses in ``SHOPCAST_ICE_HOSTS``; ValueError names a bad one (and the variable)."""
    hosts = tuple(h.strip() for h in os.environ.get(ENV, "").split(",") if h.strip())
    for host in hosts:
        try:
            check_ice_host(host)
        except ValueError as exc:
            raise ValueError(f"{ENV}: {exc}") from None
    return hosts


def check_ice_host(host: str) -> str:
    """``host`` if it is an IP address, else ValueError saying so."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"ICE host {host!r} is not an IP address (e.g. 127.0.0.1 or 192.168.1.20)") from None
    return host


def restrict_ice_hosts(hosts: Sequence[str]) -> None:
    """Offer only ``hosts`` as ICE host candidates in this process (nothing changes if empty)."""
    if not hosts:
        return
    import aioice.ice

    chosen = list(hosts)

    def only(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
        return [h for h in chosen if (":" in h and use_ipv6) or (":" not in h and use_ipv4)]

    aioice.ice.get_host_addresses = only


def parse_ice_server(url: str) -> tuple[str, str | None, str | None]:
    """(url, username, credential) of ``stun:host[:port]`` or ``turn[s]:[user:password@]host[:port]``
    (the credentials written into the URL, as the command line takes them); ValueError otherwise."""
    found = re.fullmatch(r"(stuns?|turns?):(?:([^:@/\s]+):([^@\s]+)@)?([^@\s]+)", url.strip())
    if found is None:
        raise ValueError(f"{url!r} is not a stun:, stuns:, turn: or turns: URL")
    scheme, user, password, rest = found.groups()
    if user is not None and not scheme.startswith("turn"):
        raise ValueError(f"{url!r}: only a TURN server takes a user name and password")
    return f"{scheme}:{rest}", user, password
