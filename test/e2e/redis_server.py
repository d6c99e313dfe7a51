"""A real redis-server on a free loopback port, for the farm's test and
benchmark (Debian's redis-server: utils/install-deps.sh installs it).

    server = RedisServer(workdir)       # started; ready when this returns
    server.url(1)                       # redis://127.0.0.1:PORT/1
    server.stop()
"""
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, workdir, timeout=10):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"], cwd=workdir, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self):
        self.process.terminate()
        self.process.wait()
