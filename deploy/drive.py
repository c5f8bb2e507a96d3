"""Play learners: sign in to the hub, start each one's server, run notebooks (and code) in their
kernels through the Jupyter server's REST API and kernel websocket, all learners at once.

    python3 drive.py --hub http://classroom-hub:8000 --password PW --learner ann --learner bob \
        --notebook notebooks/00-check-your-lab.ipynb --code 'print(1)'

Prints one JSON document: per learner, the seconds each step took and, per notebook, every cell's
error and stderr output (none means the notebook ran clean). It needs requests and
websocket-client, which the course image has (Jupyter Server's own dependencies):
`classroom.py` runs it in a container of that image on the hub's network, so it reaches the hub
as learners' browsers do, through the proxy.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import struct
import sys
import threading
import time
import uuid

import requests
import websocket

CELL_TIMEOUT_S = 900


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


class Learner:
    """One learner's browser: a session with the hub, then a token for their own server."""

    def __init__(self, hub: str, name: str, password: str) -> None:
        self.hub = hub.rstrip("/")
        self.name = name
        self.password = password
        self.http = requests.Session()
        self.token = ""
        self.result: dict = {"name": name, "notebooks": [], "code": []}

    def _xsrf(self) -> str:
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith("/hub"):
                return cookie.value
        return ""

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf()}
        return self.http.request(method, f"{self.hub}/hub/api{path}", headers=headers, **kwargs)

    def sign_in(self) -> None:
        page = self.http.get(f"{self.hub}/hub/login", timeout=60)
        page.raise_for_status()
        found = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": self.name, "password": self.password}
        if found:
            form["_xsrf"] = found.group(1)
        done = self.http.post(
            f"{self.hub}/hub/login?next=/hub/home", data=form, timeout=60, allow_redirects=False
        )
        if done.status_code != 302:
            raise RuntimeError(f"{self.name}: sign-in refused ({done.status_code})")
        user = self.hub_api("GET", f"/users/{self.name}", timeout=60)
        user.raise_for_status()

    def start_server(self, timeout_s: float = 600) -> None:
        server = self.hub_api("GET", f"/users/{self.name}", timeout=60).json()["servers"].get("")
        if not (server and server.get("ready")):
            started = self.hub_api("POST", f"/users/{self.name}/server", timeout=60)
            if started.status_code not in (201, 202, 400):
                raise RuntimeError(f"{self.name}: spawn refused: {started.status_code}")
        deadline = time.monotonic() + timeout_s
        while True:
            server = self.hub_api("GET", f"/users/{self.name}", timeout=60).json()["servers"]
            if server.get("", {}).get("ready"):
                break
            if not server.get("", {}).get("pending") and not server.get(""):
                raise RuntimeError(f"{self.name}: the server failed to start (see the hub's log)")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: server not ready after {timeout_s:.0f} s")
            time.sleep(1)
        # A token of the learner's own (their scopes: their server) for its REST API and websocket
        made = self.hub_api(
            "POST", f"/users/{self.name}/tokens", json={"note": "drive.py"}, timeout=60
        )
        made.raise_for_status()
        self.token = made.json()["token"]

    def server_api(self, method: str, path: str, **kwargs) -> requests.Response:
        url = f"{self.hub}/user/{self.name}/api{path}"
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(method, url, headers=headers, timeout=120, **kwargs)
        response.raise_for_status()
        return response

    def run_cells(self, path: str, sources: list[str]) -> dict:
        """Run cells in a new kernel of the notebook at `path` (a session, as JupyterLab makes
        when a notebook opens); return what each cell reported as an error or on stderr."""
        session = self.server_api(
            "POST",
            "/sessions",
            json={"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}},
        ).json()
        kernel = session["kernel"]["id"]
        ws_url = self.hub.replace("http", "ws", 1) + (
            f"/user/{self.name}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}"
        )
        sock = websocket.create_connection(
            ws_url, header=[f"Authorization: token {self.token}"], timeout=CELL_TIMEOUT_S
        )
        report = {"path": path, "cells": 0, "errors": [], "stderr": [], "stdout": []}
        report["started_at"] = time.time()
        started = time.monotonic()
        try:
            for index, source in enumerate(sources):
                outcome = self._execute(sock, source)
                report["cells"] += 1
                if outcome["error"]:
                    report["errors"].append({"cell": index, **outcome["error"]})
                if outcome["stderr"]:
                    report["stderr"].append({"cell": index, "text": outcome["stderr"]})
                report["stdout"].append(outcome["stdout"])
                if outcome["error"]:
                    break
        finally:
            sock.close()
            self.server_api("DELETE", f"/sessions/{session['id']}")
        report["seconds"] = round(time.monotonic() - started, 2)
        report["ended_at"] = time.time()
        return report

    def _execute(self, sock: websocket.WebSocket, code: str) -> dict:
        msg_id = uuid.uuid4().hex
        sock.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": self.name,
                        "session": uuid.uuid4().hex,
                        "msg_type": "execute_request",
                        "version": "5.3",
                        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        outcome: dict = {"error": None, "stderr": "", "stdout": ""}
        replied = idle = False
        while not (replied and idle):
            message = _decode(sock.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                outcome[content["name"]] += content["text"]
            elif kind == "error":
                outcome["error"] = {"ename": content["ename"], "evalue": content["evalue"]}
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                if content["status"] != "ok" and outcome["error"] is None:
                    outcome["error"] = {
                        "ename": content.get("ename", content["status"]),
                        "evalue": content.get("evalue", ""),
                    }
        return outcome

    def run_notebook(self, path: str) -> dict:
        notebook = self.server_api("GET", f"/contents/{path}", params={"content": 1}).json()
        sources = [
            "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook["content"]["cells"]
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
        ]
        return self.run_cells(path, sources)

    def play(self, notebooks: list[str], code: list[str]) -> None:
        started = time.monotonic()
        try:
            self.sign_in()
            self.result["sign_in_s"] = round(time.monotonic() - started, 2)
            self.start_server()
            self.result["ready_s"] = round(time.monotonic() - started, 2)
            self.result["ready_at"] = time.time()
            log(f"{self.name}: server ready after {self.result['ready_s']} s")
            for path in notebooks:
                report = self.run_notebook(path)
                log(
                    f"{self.name}: {path} in {report['seconds']} s, "
                    f"{len(report['errors'])} errors, {len(report['stderr'])} stderr"
                )
                self.result["notebooks"].append(report)
            for source in code:
                self.result["code"].append(self.run_cells("code.ipynb", [source]))
        except Exception as exc:  # reported in the JSON: the caller decides
            self.result["failure"] = f"{type(exc).__name__}: {exc}"
            log(f"{self.name}: {self.result['failure']}")
        self.result["total_s"] = round(time.monotonic() - started, 2)


def _decode(frame: str | bytes) -> dict:
    """A kernel message from a websocket frame: JSON text, or Jupyter's binary framing (a count
    of parts and their offsets, then the message as JSON, then its buffers) when it has buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end].decode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--learner", action="append", required=True)
    parser.add_argument("--notebook", action="append", default=[])
    parser.add_argument("--code", action="append", default=[])
    args = parser.parse_args()
    learners = [Learner(args.hub, name, args.password) for name in args.learner]
    threads = [
        threading.Thread(target=learner.play, args=(args.notebook, args.code))
        for learner in learners
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "seconds": round(time.monotonic() - started, 2),
                "learners": {learner.name: learner.result for learner in learners},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
