"""Load test: writes the "## Load" section of docs/performance.md.

    DATABASE_URL=postgres://…/alongside_national python bench/load.py [--rate 50] [--seconds 120]

Needs a PostgreSQL database loaded with ``alongside demo --scale national`` (in demo mode)
and the benchmark extra (``pip install -e ".[bench]"``: Locust). It

1. prepares the run in a subprocess: the national service 01's therapist, mentor and an
   API token for the therapist (issued here, named "load test"), and the ids the requests
   use (the therapist's caseload patients, waiting patients, the mentor's active matches);
2. starts ``alongside serve`` (gunicorn, ``--workers`` sync workers, default 2) against
   that database, and signs in through the real forms;
3. runs a mixed workload at ``--rate`` requests per second for ``--seconds`` with Locust
   (caseload page and its htmx fragment, a patient's page, the mentor list,
   find-a-mentor, the dashboard, a mentor logging a contact, an API read), and reports
   p50/p95/p99 and errors per page;
4. measures each page's throughput with a closed loop of ``--clients`` concurrent clients
   for ``--probe-seconds`` each, and ``/healthz``'s in the same run, as a ratio.

Timings are wall-clock on this machine; the load average is recorded because other jobs
may share the CPUs. Nothing here runs in the test suite.
"""

from __future__ import annotations

# Locust runs on gevent, which must patch the standard library before anything else.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust import HttpUser, constant_throughput, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
ALONGSIDE = str(Path(sys.executable).with_name("alongside"))
BEGIN, END = "## Load", "## Load: analysis"

PREPARE = """
import json
from alongside.accounts.models import User
from alongside.accounts.services import api_token_issue
from alongside.contacts.models import Contact
from alongside.demo.national import sign_ins
from alongside.matches.models import Match, MatchStatus
from alongside.matches.selectors import waiting_queryset
from alongside.organisations.models import Service
from alongside.patients.models import Patient

service = Service.objects.get(slug="national-01")
people = sign_ins(0)
therapist = User.objects.get(email=people["therapist"])
mentor_user = User.objects.get(email=people["mentor"])
_, token = api_token_issue(user=therapist, name="load test", days=1)
patients = list(
    Patient.objects.filter(service=service, allocated_therapist=therapist)
    .order_by("pk").values_list("pk", flat=True)[:200]
) or list(Patient.objects.filter(service=service).order_by("pk").values_list("pk", flat=True)[:200])
waiting = list(waiting_queryset(service).values_list("pk", flat=True)[:50])
matches = list(
    Match.objects.filter(mentor__user=mentor_user, status=MatchStatus.ACTIVE)
    .values_list("pk", flat=True)
)
print("PREPARED " + json.dumps({
    "service": service.slug, "therapist": people["therapist"], "mentor": people["mentor"],
    "token": token, "patients": patients, "waiting": waiting, "matches": matches,
    "rows": {"patients": Patient.objects.count(), "contacts": Contact.objects.count(),
             "services": Service.objects.count()},
}))
"""


def _prepare(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [ALONGSIDE, "manage", "shell", "-c", PREPARE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.split("PREPARED ", 1)[1])


def _sign_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    if "/accounts/login/" in answer.url:
        raise SystemExit(f"load: could not sign in as {email}")
    return session


def _wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet
            pass
        time.sleep(0.3)
    raise SystemExit("load: the server did not answer /healthz")


class Plan:
    """What the users request: filled in once the run is prepared."""

    ids: dict[str, Any] = {}
    staff: dict[str, str] = {}
    mentor: dict[str, str] = {}


def _pick(key: str) -> Any:
    return random.choice(Plan.ids[key])


class Staff(HttpUser):
    """The therapist's pages and an API read (cookies of one real sign-in)."""

    weight = 9

    def on_start(self) -> None:
        self.client.cookies.update(Plan.staff)

    @task(3)
    def caseload(self) -> None:
        self.client.get("/patients/", name="caseload")

    @task(2)
    def caseload_fragment(self) -> None:
        self.client.get(
            "/patients/?page=2", name="caseload (htmx fragment)", headers={"HX-Request": "true"}
        )

    @task(3)
    def patient(self) -> None:
        self.client.get(f"/patients/{_pick('patients')}/", name="patient page")

    @task(2)
    def mentors(self) -> None:
        self.client.get("/mentors/", name="mentor list")

    @task(2)
    def find(self) -> None:
        self.client.get(f"/matches/patients/{_pick('waiting')}/find/", name="find a mentor")

    @task(1)
    def dashboard(self) -> None:
        self.client.get(f"/reports/{Plan.ids['service']}/", name="dashboard")

    @task(2)
    def api_read(self) -> None:
        self.client.get(
            f"/api/v1/patients/{_pick('patients')}",
            name="API patient read",
            headers={"Authorization": f"Bearer {Plan.ids['token']}"},
        )


class Mentor(HttpUser):
    """The mentor logs a contact from a phone (a real form post with its CSRF token)."""

    weight = 1

    def on_start(self) -> None:
        self.client.cookies.update(Plan.mentor)

    @task
    def log_contact(self) -> None:
        if not Plan.ids["matches"]:
            return
        match = _pick("matches")
        now = dt.datetime.now()
        self.client.post(
            f"/contacts/match/{match}/log/",
            name="log a contact",
            data={
                "contact_date": now.date().isoformat(),
                "contact_time": now.strftime("%H:%M"),
                "mode": "phone",
                "duration_pick": "20",
                "csrfmiddlewaretoken": Plan.mentor["csrftoken"],
            },
            headers={"Referer": f"{Plan.ids['base']}/contacts/match/{match}/log/"},
            allow_redirects=False,
        )


def _mixed(base: str, rate: float, seconds: int, users: int) -> list[dict[str, Any]]:
    # Each Locust user waits for its answer, so the users are many and each asks rarely:
    # the offered rate stays ``rate`` as long as answers come within users / rate seconds.
    per_user = rate / users
    Staff.wait_time = constant_throughput(per_user)
    Mentor.wait_time = constant_throughput(per_user)
    env = Environment(user_classes=[Staff, Mentor], host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    rows = []
    for (name, method), entry in sorted(env.stats.entries.items()):
        rows.append(
            {
                "name": name,
                "method": method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / seconds,
                "p50": entry.get_response_time_percentile(0.50),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
            }
        )
    total = env.stats.total
    rows.append(
        {
            "name": "all requests",
            "method": "",
            "requests": total.num_requests,
            "failures": total.num_failures,
            "rps": total.num_requests / seconds,
            "p50": total.get_response_time_percentile(0.50),
            "p95": total.get_response_time_percentile(0.95),
            "p99": total.get_response_time_percentile(0.99),
        }
    )
    return rows


def _drain(base: str, seconds: float = 120) -> None:
    """Wait until the requests still queued from the mixed run are answered, so the
    closed-loop probes do not measure that backlog."""
    deadline = time.monotonic() + seconds
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        began = time.monotonic()
        requests.get(f"{base}/healthz", timeout=60)
        quick = quick + 1 if time.monotonic() - began < 0.1 else 0


def _throughput(
    base: str,
    path: str,
    cookies: dict[str, str],
    headers: dict[str, str],
    clients: int,
    seconds: float,
) -> float:
    """Requests per second a closed loop of ``clients`` concurrent clients gets."""
    done = [0]
    stop = time.monotonic() + seconds

    def loop() -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        while time.monotonic() < stop:
            if session.get(base + path, headers=headers, timeout=60).status_code < 400:
                done[0] += 1

    gevent.joinall([gevent.spawn(loop) for _ in range(clients)])
    return done[0] / seconds


def _table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['requests']:,} | {r['failures']} | {r['rps']:.1f} "
            f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} |"
        )
    return out


def _write(section: str) -> None:
    text = DOC.read_text()
    if BEGIN + "\n" in text:
        start = text.index(BEGIN + "\n")
        end = text.index(END, start) if END in text[start:] else len(text)
        text = text[:start] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--users", type=int, default=0, help="default: 4 × rate")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--probe-seconds", type=float, default=10)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the doc")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("load: set DATABASE_URL to the national demo's PostgreSQL database")
    env = {**os.environ, "ALONGSIDE_DEMO_MODE": "1"}
    env.setdefault("ALONGSIDE_DATA_DIR", str(ROOT / "var" / "load"))
    Path(env["ALONGSIDE_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    password = env.get("ALONGSIDE_DEMO_PASSWORD", "alongside-demo")
    users = args.users or int(4 * args.rate)
    base = f"http://127.0.0.1:{args.port}"
    Plan.ids = {**_prepare(env), "base": base}
    load_before = os.getloadavg()[0]
    log = open(Path(env["ALONGSIDE_DATA_DIR"]) / "serve.log", "ab")  # noqa: SIM115
    server = subprocess.Popen(
        [ALONGSIDE, "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(base)
        Plan.staff = _sign_in(base, Plan.ids["therapist"], password).cookies.get_dict()
        Plan.mentor = _sign_in(base, Plan.ids["mentor"], password).cookies.get_dict()
        began = time.monotonic()
        rows = _mixed(base, args.rate, args.seconds, users)
        _drain(base)
        probes = {
            "/healthz": ("/healthz", {}, {}),
            "caseload": ("/patients/", Plan.staff, {}),
            "caseload (htmx fragment)": ("/patients/?page=2", Plan.staff, {"HX-Request": "true"}),
            "patient page": (f"/patients/{Plan.ids['patients'][0]}/", Plan.staff, {}),
            "mentor list": ("/mentors/", Plan.staff, {}),
            "find a mentor": (f"/matches/patients/{Plan.ids['waiting'][0]}/find/", Plan.staff, {}),
            "dashboard": (f"/reports/{Plan.ids['service']}/", Plan.staff, {}),
            "API patient read": (
                f"/api/v1/patients/{Plan.ids['patients'][0]}",
                {},
                {"Authorization": f"Bearer {Plan.ids['token']}"},
            ),
        }
        throughput = {
            name: _throughput(base, path, cookies, headers, args.clients, args.probe_seconds)
            for name, (path, cookies, headers) in probes.items()
        }
        took = time.monotonic() - began
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    healthz = throughput["/healthz"] or 1.0
    rows_info = Plan.ids["rows"]
    lines = [
        BEGIN,
        "",
        f"Command: `DATABASE_URL=… python bench/load.py --rate {args.rate:g} --seconds "
        f"{args.seconds}` — run {dt.date.today():%-d %B %Y} on {os.cpu_count()} CPUs, "
        f"{platform.machine()}, Python {platform.python_version()}; PostgreSQL "
        f"`{os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}` ({rows_info['services']} "
        f"services, {rows_info['patients']:,} patients, {rows_info['contacts']:,} contacts); "
        f"`alongside serve` (gunicorn, {args.workers} sync workers) in demo mode (no second "
        f"factor at sign-in); load average {load_before:.2f} before and "
        f"{os.getloadavg()[0]:.2f} after ({took:.0f} s). Locust drives "
        f"{users} users offering a constant {args.rate:g} requests/s in all "
        "(nine staff users to one mentor), signed in through the real forms, as national "
        "service 01's therapist and mentor.",
        "",
        f"**Mixed workload, {args.rate:g} requests/s for {args.seconds} s** (targets: p95 "
        "< 200 ms for pages, < 100 ms for htmx fragments and API reads; no errors)",
        "",
        *_table(rows),
        "",
        f"**Throughput, closed loop of {args.clients} clients for {args.probe_seconds:g} s "
        "each** (as a ratio to `/healthz` in the same run)",
        "",
        "| request | req/s | ratio to /healthz |",
        "|---|---:|---:|",
        *(f"| {name} | {rps:.1f} | {rps / healthz:.1%} |" for name, rps in throughput.items()),
        "",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        _write(section)


if __name__ == "__main__":
    main()
