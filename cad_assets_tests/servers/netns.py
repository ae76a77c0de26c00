"""Test hosts of our own: Linux network namespaces joined by a veth pair.

Tests may send traffic only to loopback or to hosts they create, and a Ray node advertises
the address of the machine it runs on. Inside a namespace that address is the namespace's own:
each test host has only ``lo`` and its end of the veth pair, so whatever a server binds or
advertises stays between the test hosts. Needs root and Debian's ``iproute2`` (``ip``).
"""

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

INSTALL_HINT = "apt-get install -y iproute2, as root (make test does this)"


def missing_reason() -> str | None:
    """Why test hosts cannot be made here, or None when they can."""
    if shutil.which("ip") is None:
        return f"ip is not installed: {INSTALL_HINT}"
    if os.geteuid() != 0:
        return "network namespaces need root"
    return None


@dataclass(frozen=True)
class TestHost:
    """One network namespace: a name, its address on the test network, its hostname."""

    namespace: str
    address: str
    hostname: str

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run on this host: in its namespace, under its own hostname (a UTS
        namespace of its own), so what a process reports as its host tells the hosts apart."""
        return ["ip", "netns", "exec", self.namespace, "unshare", "--uts", "sh", "-c",
                f'hostname {self.hostname} && exec "$@"', "sh", *argv]


@dataclass
class TestNetwork:
    """Two test hosts, ``10.<n>.0.1`` and ``.2``, joined by a veth pair; ``remove()`` deletes
    the namespaces (which deletes the pair)."""

    prefix: str = field(default_factory=lambda: f"cad{os.getpid() % 100000}")
    subnet: str = "10.203.0"
    hosts: list[TestHost] = field(default_factory=list)

    def create(self, hostnames: Sequence[str] = ("cad-head", "cad-node")) -> "TestNetwork":
        ends = []
        for number, hostname in enumerate(hostnames, start=1):
            host = TestHost(f"{self.prefix}-{hostname}", f"{self.subnet}.{number}", hostname)
            _ip("netns", "add", host.namespace)
            self.hosts.append(host)
            ends.append(f"{self.prefix}v{number}")
        _ip("link", "add", ends[0], "type", "veth", "peer", "name", ends[1])
        for host, end in zip(self.hosts, ends):
            _ip("link", "set", end, "netns", host.namespace)
            _ip("-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", end)
            _ip("-n", host.namespace, "link", "set", end, "up")
            _ip("-n", host.namespace, "link", "set", "lo", "up")
        return self

    def peers(self, host: TestHost) -> set[str]:
        """Every remote address a TCP socket of ``host`` is connected to (``ss``)."""
        listing = subprocess.run(
            ["ip", "netns", "exec", host.namespace, "ss", "-Htn", "state", "established"],
            check=True, capture_output=True, text=True,
        ).stdout
        return {re.sub(r":\d+$", "", line.split()[-1]).strip("[]")
                for line in listing.splitlines() if line.strip()}

    def remove(self) -> None:
        for host in self.hosts:
            subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True)
        self.hosts.clear()

    def __enter__(self) -> "TestNetwork":
        return self.create()

    def __exit__(self, *exc) -> None:
        self.remove()


def _ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True, text=True)
