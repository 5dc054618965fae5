"""A real IMAP server for the mailbox tests and the sync bench: Debian's Dovecot, started on a free port of
127.0.0.1 with its own configuration, passwords, maildirs, sockets and log in a temporary directory.

Authentication is plain text over an unencrypted connection (``ssl = no``), which Dovecot allows from
127.0.0.1 once ``disable_plaintext_auth`` is off. Run as root, Dovecot insists on unprivileged users for its
login and internal processes (Debian's package creates ``dovenull`` and ``dovecot``) and refuses to open
mail as root, so the maildirs belong to the ``dovecot`` user; run as anyone else, every process is that user.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"


class DovecotMissing(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(self, users: dict[str, str]):
        if not os.path.exists(DOVECOT):
            raise DovecotMissing(
                f"Dovecot not found at {DOVECOT}: install Debian's dovecot-imapd (make mail-server)."
            )
        self.users = dict(users)
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="peyvand-dovecot-"))
        self.process: subprocess.Popen | None = None

    def _accounts(self) -> tuple[str, str, int, int]:
        if os.geteuid() == 0:
            mail = pwd.getpwnam("dovecot")
            return "dovenull", "dovecot", mail.pw_uid, mail.pw_gid
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid

    def start(self) -> "Dovecot":
        login_user, internal_user, uid, gid = self._accounts()
        home = self.dir / "home"
        for path in (home, self.dir / "run", self.dir / "state"):
            path.mkdir(parents=True, exist_ok=True)
        (self.dir / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in self.users.items()))
        (self.dir / "dovecot.conf").write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
info_log_path = {self.dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        )
        os.chown(home, uid, gid)
        # mkdtemp makes the directory for its creator alone; Dovecot's auth and mail processes run as the users
        # above and must reach the password file and the maildirs inside it.
        self.dir.chmod(0o755)
        (self.dir / "passwd").chmod(0o644)
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped: {self.process.stderr.read().decode()} {self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, user: str):
        """An imap-tools connection logged in as ``user``: how the tests put mail in, apart from our sync."""
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted(self.host, self.port).login(user, self.users[user])


def start_or_skip(accounts: dict[str, str]) -> "Dovecot":
    """A started Dovecot for the tests; without Debian's package the test is skipped on a developer's machine
    and fails under CI (``CI=true`` or ``PEYVAND_REQUIRE_MAIL_SERVER=1``), where ``make test`` installs it."""
    import os

    import pytest

    try:
        return Dovecot(accounts).start()
    except DovecotMissing as exc:
        if os.environ.get("CI") == "true" or os.environ.get("PEYVAND_REQUIRE_MAIL_SERVER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
