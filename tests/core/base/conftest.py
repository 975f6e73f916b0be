"""A real PostgreSQL for the progress store's tests: the one POSTGRES_TEST_URL names, else a server
started here from Debian's binaries in a temporary folder, on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_URL_VARIABLE = "POSTGRES_TEST_URL"  # a server of one's own; the tests make and drop databases on it
BINARIES = "/usr/lib/postgresql/*/bin"
INSTALL = "install Debian's postgresql package (apt-get install postgresql; bash .ci/run does)"


def postgres_binaries() -> Path:
    """The newest installed PostgreSQL's bin folder; a test that needs it fails, never skips, without it."""
    found = sorted(glob.glob(BINARIES), key=lambda path: int(Path(path).parent.name))
    found = [path for path in found if (Path(path) / "initdb").is_file() and (Path(path) / "pg_ctl").is_file()]
    if not found:
        pytest.fail(f"PostgreSQL's initdb and pg_ctl are not in {BINARIES}: {INSTALL}")
    return Path(found[-1])


class PostgresServer:
    """A throwaway PostgreSQL cluster: its own folder, port and socket, trust authentication on the
    loopback only. initdb refuses to run as root, so as root it runs as an unprivileged account
    (postgres where Debian made one, else nobody) through setpriv, in a folder that account owns."""

    def __init__(self) -> None:
        self.binaries = postgres_binaries()
        # Outside pytest's tmp_path, whose parents only root may enter; short, for the socket's path.
        self.folder = Path(tempfile.mkdtemp(prefix="progress-pg-"))
        self.data, self.sockets, self.log = self.folder / "data", self.folder / "sockets", self.folder / "log"
        self.sockets.mkdir()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            account = _unprivileged_account()
            for path in (self.folder, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
            self.as_owner = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups"]
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "-N")
        self.start()

    @property
    def url(self) -> sa.URL:
        return sa.URL.create("postgresql+psycopg", "postgres", host="127.0.0.1", port=self.port, database="postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -F"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self.as_owner, str(self.binaries / program), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.is_file() else ""
            raise subprocess.CalledProcessError(done.returncode, command, done.stdout, done.stderr + log)


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    pytest.fail("running as root, and neither a postgres nor a nobody account exists to run PostgreSQL as")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[sa.URL]:
    """A PostgreSQL the tests may make databases on: POSTGRES_TEST_URL's, else one started here for
    the session and stopped after it."""
    given = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if given:
        yield sa.make_url(given)
        return
    server = PostgresServer()
    try:
        yield server.url
    finally:
        server.close()


@contextlib.contextmanager
def new_database(admin_url: sa.URL) -> Iterator[str]:
    """A fresh, empty database on the server, dropped afterwards (its connections with it)."""
    name = f"progress_test_{secrets.token_hex(6)}"
    # A connection per statement: the server may have been stopped and started in between.
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_admin_url: sa.URL) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database for one test."""
    with new_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def stoppable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL of this test's own, which the test may stop and start again (always started here,
    even where POSTGRES_TEST_URL names a shared one)."""
    server = PostgresServer()
    try:
        yield server
    finally:
        server.close()
