"""The deployment examples in deploy/ are what the tests run: the systemd units name commands
that exist and settings that Kisha reads, and the nginx front, started for real in front of two
application servers on one database and one Redis, loses no reader request and no view when one
server is killed under load."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

from django.core.management import get_commands

from tests.processes import ROOT, free_port, wagtail_initial_data_restore, wait_for_port

from .test_workers import BROWSER_UA

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Below the beacon's limit of 30 views per address and article an hour.
BEACONS_PER_ADDRESS = 25


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_every_production_process_has_a_unit():
    names = {path.name for path in UNITS}
    assert names == {"kisha-web.service", "kisha-worker.service", "kisha-scheduler.service"}


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_a_unit_runs_an_existing_command_as_kisha_and_restarts(path):
    service = unit(path)["Service"]
    assert service["User"] == "kisha"
    assert service["EnvironmentFile"] == "/etc/kisha/kisha.env"
    assert service["Restart"] in {"on-failure", "always"}
    argv = shlex.split(service["ExecStart"])
    program = Path(argv[0]).name
    if program == "gunicorn":
        assert argv[1] == "kisha.wsgi"
        __import__(argv[1])
    else:
        assert program == "python" and argv[1] == "manage.py"
        assert argv[2] in get_commands(), f"{argv[2]} is not a manage.py command"
    assert unit(path)["Install"]["WantedBy"] == "multi-user.target"


def test_the_environment_file_sets_only_what_kisha_reads():
    settings_source = (ROOT / "kisha" / "settings.py").read_text()
    conf_sources = "".join(p.read_text() for p in (ROOT / "kisha").rglob("conf.py"))
    for line in (DEPLOY / "systemd" / "kisha.env").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name = line.split("=", 1)[0]
        assert f'"{name}"' in settings_source or f'"{name}"' in conf_sources, name


def nginx_config(tmp_path: Path, *, upstreams: list[int], port: int, static: Path) -> Path:
    """The shipped locations and upstream, with this machine's ports and folders."""
    shipped = (DEPLOY / "nginx" / "kisha.conf").read_text()
    upstream = re.search(r"upstream kisha_app \{.*?\n\}", shipped, re.S).group(0)
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams
    )
    upstream = re.sub(r"(    server .*\n)+", servers, upstream)
    locations = (DEPLOY / "nginx" / "kisha-locations.conf").read_text()
    locations = locations.replace("/srv/kisha/var/static/", f"{static}/")
    locations = locations.replace("/srv/kisha/var/media/", f"{tmp_path}/media/")
    (tmp_path / "kisha-locations.conf").write_text(locations)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/body;
  proxy_temp_path {tmp_path}/proxy;
  fastcgi_temp_path {tmp_path}/fastcgi;
  uwsgi_temp_path {tmp_path}/uwsgi;
  scgi_temp_path {tmp_path}/scgi;
  {upstream}
  server {{
    listen 127.0.0.1:{port};
    include {tmp_path}/kisha-locations.conf;
  }}
}}
""")
    return conf


def test_the_shipped_front_is_valid_nginx(tmp_path):
    conf = nginx_config(tmp_path, upstreams=[8000, 8001], port=free_port(), static=tmp_path)
    result = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def front(tmp_path):
    processes = []

    def start(*, upstreams: list[int], static: Path) -> str:
        port = free_port()
        conf = nginx_config(tmp_path, upstreams=upstreams, port=port, static=static)
        process = subprocess.Popen([NGINX, "-c", str(conf)], stderr=subprocess.DEVNULL)
        processes.append(process)
        wait_for_port(port, process=process)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


class FromAddress(requests.adapters.HTTPAdapter):
    """Connect from a given loopback address (all of 127.0.0.0/8 is this machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def test_killing_one_of_two_servers_loses_no_request_and_no_view(
    app_server, own_redis, front, article, world
):
    # As deploy/systemd/kisha.env: one trusted proxy (the front) in X-Forwarded-For.
    # A Redis call slower than the 0.1 s default (two cores, two servers and the readers) would
    # send views to the in-process fallback buffer, which a SIGKILL loses by design: this test
    # is about the kill and nginx's retry, so the counters get time to answer.
    env = {
        "REDIS_URL": own_redis.url,
        "KISHA_RANKINGS_PROXY_COUNT": "1",
        "KISHA_RANKINGS_REDIS_TIMEOUT": "2",
    }
    first = app_server(**env)
    second = app_server(**env)
    url = front(upstreams=[first.port, second.port], static=Path(first.env["STATIC_ROOT"]))
    assert requests.get(url + article.url, timeout=30).status_code == 200

    failures: list[str] = []
    readers: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def reader(number: int) -> None:
        with requests.Session() as session:
            # each reader from an address of its own, as the per-address limit expects
            session.mount("http://", FromAddress(f"127.0.0.{10 + number}"))
            sent = 0
            while not stop.is_set():
                for path in (article.url, "/", world.url):
                    answer = session.get(url + path, timeout=30)
                    if answer.status_code != 200:
                        with lock:
                            failures.append(f"GET {path} {answer.status_code}")
                if sent >= BEACONS_PER_ADDRESS:
                    continue  # the per-address limit (30 an hour) would stop counting them
                sent += 1
                me = uuid.uuid4().hex
                answer = session.post(
                    url + "/api/views/",
                    data=f'{{"page": {article.id}, "reader": "{me}"}}',
                    headers={"User-Agent": BROWSER_UA, "Content-Type": "application/json"},
                    timeout=30,
                )
                with lock:
                    readers.append(me)
                    if answer.status_code != 204:
                        failures.append(f"POST beacon {answer.status_code}")

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    first.kill()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(60)

    assert failures == []
    assert len(readers) > 20
    assert len(readers) <= 6 * BEACONS_PER_ADDRESS
    client = redis.Redis.from_url(own_redis.url)
    counted = sum(
        int(v) for key in client.scan_iter("kisha:rankings:h:*") for v in client.hvals(key)
    )
    client.close()
    assert counted == len(readers)  # every view once: none lost, none counted twice
