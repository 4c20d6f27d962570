# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a long command on the controller and show its progress while it runs (documentation: the module stub)."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import time
from collections import deque
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

ARGUMENT_SPEC = {
    "argv": {"type": "list", "elements": "str", "required": True},
    "chdir": {"type": "path"},
    "progress": {"type": "str", "default": ".*"},
    "label": {"type": "str"},
    "heartbeat": {"type": "int", "default": 30},
    "timeout": {"type": "int", "default": 3600},
    "log": {"type": "path"},
    "tail": {"type": "int", "default": 40},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        validated = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validated.error_messages:
            raise AnsibleActionFail(f"command_progress: {'; '.join(validated.error_messages)}")
        args = validated.validated_parameters
        label = args["label"] or os.path.basename(args["argv"][0])
        if self._task.check_mode:
            result.update(changed=True, skipped=False, msg=f"check mode: would run {label}")
            return result
        try:
            progress = re.compile(args["progress"])
        except re.error as exc:
            raise AnsibleActionFail(f"command_progress: progress is not a regular expression: {exc}") from exc
        return {**result, **self._run(args, label, progress)}

    @staticmethod
    def _run(args: dict[str, Any], label: str, progress: re.Pattern[str]) -> dict[str, Any]:
        start = time.monotonic()
        tail = deque(maxlen=args["tail"])
        log = open(args["log"], "w", encoding="utf-8") if args["log"] else None  # noqa: SIM115 - closed below
        try:
            proc = subprocess.Popen(
                args["argv"],
                cwd=args["chdir"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
        except OSError as exc:
            if log:
                log.close()
            return {"failed": True, "rc": 127, "msg": f"{label}: cannot run {args['argv'][0]}: {exc}"}
        last_shown = start
        timed_out = False
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now - start > args["timeout"]:
                    proc.kill()
                    timed_out = True
                    break
                if sel.select(timeout=1):
                    line = proc.stdout.readline()
                    if not line:
                        break
                    line = line.rstrip("\n")
                    tail.append(line)
                    if log:
                        log.write(line + "\n")
                        log.flush()
                    if progress.search(line):
                        display.display(f"  {label} [{now - start:4.0f}s] {line[:160]}")
                        last_shown = now
                elif now - last_shown >= args["heartbeat"]:
                    display.display(f"  {label} [{now - start:4.0f}s] still running")
                    last_shown = now
        rc = proc.wait()
        if log:
            log.close()
        elapsed = round(time.monotonic() - start, 1)
        out = {"rc": rc, "changed": True, "elapsed": elapsed, "stdout_tail": list(tail)}
        if timed_out:
            out.update(failed=True, msg=f"{label} did not finish within {args['timeout']} s; last lines in stdout_tail")
        elif rc != 0:
            out.update(failed=True, msg=f"{label} failed (rc {rc}) after {elapsed} s; last lines in stdout_tail")
        else:
            out["msg"] = f"{label} finished in {elapsed} s"
        return out
