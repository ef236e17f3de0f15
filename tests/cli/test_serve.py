"""`rankfile serve` (what `make run` runs) starts the task worker with the web server."""

from __future__ import annotations

import sys

from rankfile.cli import main, server


class FakeWorker:
    pid = 4242
    stopped = False

    def __init__(self, command):
        self.command = command
        FakeWorker.started = self

    def terminate(self):
        FakeWorker.stopped = True

    def wait(self, timeout=None):
        return 0


def test_serve_starts_the_task_worker_and_stops_it_with_the_server(monkeypatch, capsys):
    served = []
    monkeypatch.setattr(server.subprocess, "Popen", FakeWorker)
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kw: served.append(args)
    )
    assert main(["serve", "--port", "8123"]) == 0
    assert FakeWorker.started.command[:4] == [sys.executable, "-m", "rankfile", "db_worker"]
    assert served == [("runserver", "127.0.0.1:8123")]
    assert FakeWorker.stopped
    assert "Task worker started" in capsys.readouterr().out


def test_serve_can_leave_the_worker_to_someone_else(monkeypatch):
    monkeypatch.setattr(server.subprocess, "Popen", lambda *a, **k: 1 / 0)
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kw: None)
    assert main(["serve", "--no-worker"]) == 0


def test_the_worker_command_is_there(capsys):
    try:
        main(["db_worker", "--help"])
    except SystemExit as done:
        assert done.code == 0
    assert "--batch" in capsys.readouterr().out
