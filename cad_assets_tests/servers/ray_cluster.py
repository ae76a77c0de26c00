"""A real Ray cluster on test hosts (:mod:`.netns`): a head node and worker nodes, each
``ray start --block`` in its own namespace bound to that host's address, stopped by pid."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cad_assets_tests.servers.netns import TestHost

RAY = Path(sys.executable).parent / "ray"
PORT = 6379
INSTALL_HINT = 'pip install -e ".[ray]" (make install does this)'
#: A lost node is marked dead after ~3 s instead of Ray's ~15 s, so tests wait less.
HEALTH_CHECKS = {"RAY_health_check_period_ms": "1000", "RAY_health_check_timeout_ms": "1000",
                 "RAY_health_check_failure_threshold": "3"}
#: ``node_loss_grace_s`` for this cluster: its node-death time with room to spare.
NODE_LOSS_GRACE_S = 8


def missing_reason() -> str | None:
    """Why a Ray cluster cannot be started here, or None when it can."""
    return None if RAY.exists() else f"Ray is not installed: {INSTALL_HINT}"


@dataclass
class RayNode:
    """One node: the head when ``head`` is None, else a node joining ``head``'s cluster."""

    host: TestHost
    head: TestHost | None = None
    cpus: int = 2
    process: subprocess.Popen | None = field(default=None, repr=False)
    folder: Path | None = None

    @property
    def address(self) -> str:
        """The cluster's address (``CAD_ASSETS_RAY_ADDRESS``)."""
        return f"{(self.head or self.host).address}:{PORT}"

    def start(self) -> "RayNode":
        self.folder = Path(tempfile.mkdtemp(prefix="cad-ray-"))  # short: Ray puts sockets there
        role = (["--head", f"--port={PORT}", "--include-dashboard=false"] if self.head is None
                else [f"--address={self.address}"])
        self.process = subprocess.Popen(
            self.host.command([
                str(RAY), "start", "--block", *role, f"--node-ip-address={self.host.address}",
                f"--num-cpus={self.cpus}", "--object-store-memory=200000000",
                f"--temp-dir={self.folder}", "--disable-usage-stats",
            ]),
            stdout=(self.folder / "node.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True, env={**os.environ, **HEALTH_CHECKS},
        )
        return self

    def kill(self) -> None:
        """SIGKILL the node and every process it started (its workers too), as a machine that
        goes down would."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Kill the node (a test cluster keeps nothing worth a graceful stop) and remove its
        folder."""
        if self.process is not None:
            self.kill()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _signal_group(self, number: int) -> None:
        # Every process of the node's session: the raylet puts each worker in a process group
        # of its own, so killing the group of `ray start` would leave the workers running.
        subprocess.run(["pkill", f"-{number}", "-s", str(self.process.pid)])


@dataclass
class RayCluster:
    """A head on ``hosts[0]`` and one node on each other host."""

    hosts: list[TestHost]
    cpus: int = 2
    nodes: list[RayNode] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.nodes[0].address

    def start(self, timeout_s: float = 90) -> "RayCluster":
        head = RayNode(self.hosts[0], cpus=self.cpus).start()
        self.nodes.append(head)
        self.wait_for_nodes(1, timeout_s)
        for host in self.hosts[1:]:
            self.nodes.append(RayNode(host, head=self.hosts[0], cpus=self.cpus).start())
        self.wait_for_nodes(len(self.hosts), timeout_s)
        return self

    def alive_nodes(self) -> list[str]:
        """Addresses of the nodes the cluster counts as alive (asked from the head's host)."""
        probe = ("import json, logging, ray; "
                 f"ray.init(address='{self.address}', logging_level=logging.ERROR); "
                 "print(json.dumps([n['NodeManagerAddress'] for n in ray.nodes() if n['Alive']]))")
        done = subprocess.run(self.hosts[0].command([sys.executable, "-c", probe]),
                              capture_output=True, text=True, timeout=60)
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else []

    def wait_for_nodes(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.alive_nodes()) < count:
            if time.monotonic() > deadline:
                logs = "\n".join((n.folder / "node.log").read_text()[-1500:] for n in self.nodes)
                raise TimeoutError(f"the Ray cluster did not reach {count} nodes:\n{logs}")
            time.sleep(1)

    def heal(self, timeout_s: float = 90) -> None:
        """Start again every worker node that was killed, and wait for them to join."""
        dead = [number for number, node in enumerate(self.nodes)
                if number and node.process.poll() is not None]
        for number in dead:
            self.nodes[number].stop()
            self.nodes[number] = RayNode(self.hosts[number], head=self.hosts[0],
                                         cpus=self.cpus).start()
        if dead:
            self.wait_for_nodes(len(self.hosts), timeout_s)

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()
        self.nodes.clear()

    def __enter__(self) -> "RayCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
