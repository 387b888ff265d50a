"""Two web processes and two task workers sharing only one PostgreSQL database, as
docs/deployment.md describes: a notification queued twice is e-mailed once, and two
proposals of a mentor's last free place, sent at once to different web processes,
are accepted once and refused once."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

ADMIN_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not ADMIN_URL.startswith("postgres"), reason="needs PostgreSQL (set DATABASE_URL)"
)

DB_NAME = "alongside_scaledata_deploy"
WEB_PORTS = (8191, 8192)
SMTP_PORT = 8193
ALONGSIDE = str(Path(sys.executable).with_name("alongside"))

SEED = """
import json
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice
from alongside.accounts.models import User
from alongside.demo.national import NationalPlan, national_load, sign_ins
from alongside.matches import selectors
from alongside.mentors.models import Mentor
from alongside.notifications.services import notify
from alongside.notifications.tasks import deliver_notification
from alongside.organisations.models import Service
from alongside.patients.selectors import service_today

national_load(NationalPlan(services=1, factor=0.03, seed=5), log=lambda _: None)
service = Service.objects.get(slug="national-01")
therapist = User.objects.get(email=sign_ins(0)["therapist"])
device = TOTPDevice.objects.create(user=therapist, name="deploy test", confirmed=True)
today = service_today(service)
wanted = {}
for patient in selectors.waiting_patients(service):
    found = selectors.find_mentor(therapist, patient, today=today, limit=50)
    for card in found.suggestions:
        wanted.setdefault(card.mentor.pk, []).append(patient.pk)
mentor_id, patients = max(wanted.items(), key=lambda item: (len(item[1]), -item[0]))
# One place left: whoever proposes second must be refused.
Mentor.objects.filter(pk=mentor_id).update(capacity=F("mentee_count") + 1)
note = notify(recipient=therapist, kind="deploy_check", event_key="once", essential=True,
              subject="Reminder: supervision due", service=service)
deliver_notification.enqueue(notification_id=note.pk)  # a second delivery task: a race
print("SEED " + json.dumps({"email": therapist.email, "key": device.key, "mentor": mentor_id,
                            "patients": patients[:2], "notification": note.pk}))
"""


class _Sink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", SMTP_PORT), _SmtpHandler)
        self.messages: list[str] = []


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to take messages from Django's SMTP backend and keep them."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = []
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(part.decode(errors="replace"))
                self.server.messages.append("".join(body))
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _url(name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", ADMIN_URL)


def _psql(sql: str) -> None:
    subprocess.run(["psql", _url("postgres"), "-qc", sql], check=True, capture_output=True)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALONGSIDE_", "PYTEST"))}
    env.update(
        DATABASE_URL=_url(DB_NAME),
        ALONGSIDE_SECRET_KEY=secrets.token_urlsafe(50),
        ALONGSIDE_AUDIT_KEY=secrets.token_urlsafe(40),
        ALONGSIDE_FIELD_KEYS=Fernet.generate_key().decode(),
        ALONGSIDE_DATA_DIR=str(tmp_path),
        ALONGSIDE_SECURE="0",  # plain HTTP on 127.0.0.1, as the browser tests run
        ALONGSIDE_ALLOWED_HOSTS="127.0.0.1,localhost",
        ALONGSIDE_EMAIL_HOST="127.0.0.1",
        ALONGSIDE_EMAIL_PORT=str(SMTP_PORT),
        ALONGSIDE_EMAIL_TLS="0",
        ALONGSIDE_TASK_RECOVER_SECONDS="5",
        WEB_CONCURRENCY="2",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in started:  # every one, even when the test failed
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _start(
    command: list[str], env: dict[str, str], log: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    handle = log.open("wb")
    started.append(
        subprocess.Popen(
            command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    )


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        time.sleep(0.3)
    raise AssertionError(f"the web process on port {port} did not answer /healthz")


def _sign_in(port: int, email: str, key: str) -> requests.Session:
    """Sign in through the real forms: password, then the authenticator code."""
    from django_otp.oath import totp

    session = requests.Session()
    base = f"http://127.0.0.1:{port}"
    session.get(f"{base}/accounts/login/")
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": email,
            "password": "alongside-demo",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    assert answer.url.endswith("/accounts/2fa/verify/"), answer.url
    answer = session.post(
        f"{base}/accounts/2fa/verify/",
        data={
            "token": f"{totp(bytes.fromhex(key)):06d}",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    assert "/accounts/2fa/" not in answer.url, answer.text[:500]
    return session


def test_two_web_and_two_task_processes_share_one_database(
    environment: dict[str, str], processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    began = time.monotonic()
    _psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    _psql(f"CREATE DATABASE {DB_NAME}")
    sink = _Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        subprocess.run([ALONGSIDE, "manage", "migrate", "-v0"], env=environment, check=True)
        seeded = subprocess.run(
            [ALONGSIDE, "manage", "shell", "-c", SEED],
            env={**environment, "ALONGSIDE_DEMO_PASSWORD": "alongside-demo"},
            check=True,
            capture_output=True,
            text=True,
        )
        seed = json.loads(seeded.stdout.split("SEED ", 1)[1])
        for port in WEB_PORTS:
            _start(
                [ALONGSIDE, "serve", "--port", str(port)],
                environment,
                tmp_path / f"web{port}.log",
                processes,
            )
        for n in (1, 2):
            _start([ALONGSIDE, "worker"], environment, tmp_path / f"worker{n}.log", processes)
        deadline = time.monotonic() + 45
        for port in WEB_PORTS:
            _wait_for(port, deadline)

        # Two proposals of the mentor's last place, one to each web process, at once.
        # One sign-in (an authenticator code is accepted once); the session lives in the
        # database, so the other web process honours the same cookie.
        first = _sign_in(WEB_PORTS[0], seed["email"], seed["key"])
        second = requests.Session()
        second.cookies.update(first.cookies)
        sessions = [first, second]
        barrier = threading.Barrier(2)

        def propose(n: int) -> int:
            session, port, patient = sessions[n], WEB_PORTS[n], seed["patients"][n]
            page = f"http://127.0.0.1:{port}/matches/patients/{patient}/propose/"
            barrier.wait()
            return session.post(
                page,
                data={
                    "mentor": seed["mentor"],
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                allow_redirects=False,
                timeout=30,
            ).status_code

        with ThreadPoolExecutor(2) as pool:
            codes = sorted(pool.map(propose, (0, 1)))
        assert codes == [302, 400], codes  # one accepted (to the match), one refused

        # The notification had two delivery tasks, one for each worker: one e-mail.
        while time.monotonic() < began + 80 and not sink.messages:
            time.sleep(0.5)
        time.sleep(3)  # room for a wrong second e-mail to arrive
        assert len(sink.messages) == 1, sink.messages
        assert "Reminder: supervision due" in sink.messages[0]
    finally:
        sink.shutdown()
        sink.server_close()
        # The processes are stopped by their fixture; FORCE closes what they left open.
        _psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
