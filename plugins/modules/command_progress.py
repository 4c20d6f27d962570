# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name (plugins/action/command_progress.py); this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: command_progress
version_added: 0.2.0
short_description: Run a long command on the controller and show its progress while it runs
description:
  - Runs O(argv) on the B(controller) (not on the target host) and prints, while it runs, each output line that
    matches O(progress) (for example the C(Step 5/21) lines of a Docker build), and a C(still running) line when
    nothing matched for O(heartbeat) seconds. Ansible's own modules show nothing until they finish; a build of
    several minutes then looks hung.
  - Meant for steps whose tools live on the controller, such as the golden_image role's image build against the
    controller's Docker engine. The command always counts as a change; decide whether to run it with C(when).
  - The command's environment is the controller's (the task's C(environment) keyword does not apply). Never put a
    secret in O(argv), since the process list shows it.
options:
  argv:
    description: The command and its arguments (no shell).
    type: list
    elements: str
    required: true
  chdir:
    description: Directory to run it in.
    type: path
  progress:
    description: Regular expression (Python C(re.search)); matching output lines are printed as they come.
    type: str
    default: ".*"
  label:
    description: Prefix of the progress lines and messages; default the command's name.
    type: str
  heartbeat:
    description: Seconds without a matching line after which a C(still running) line is printed.
    type: int
    default: 30
  timeout:
    description: Seconds after which the command is killed and the task fails.
    type: int
    default: 3600
  log:
    description: File that receives the whole output (created or truncated).
    type: path
  tail:
    description: How many of the last output lines the result keeps in RV(stdout_tail).
    type: int
    default: 40
author:
  - kstore platform engineers (!UNKNOWN)
extends_documentation_fragment:
  - kstore.platform.attributes
attributes:
  action:
    description: An action plugin does the work, on the controller.
    support: full
  check_mode:
    support: full
    details: Runs nothing; reports that it would run the command (changed).
  diff_mode:
    support: none
  platform:
    description: Target OS/families that can be operated against.
    platforms: posix
    support: full
"""

EXAMPLES = r"""
- name: Build an image, showing each build step as it starts
  kstore.platform.command_progress:
    argv: [docker, build, --tag, "shop:1", /srv/build/context]
    progress: '^(Step [0-9]+/[0-9]+ :|#[0-9]+ \[)'
    label: image build
    log: /srv/build/build.log
    timeout: 1800
"""

RETURN = r"""
rc:
  description: The command's exit code.
  returned: when it ran
  type: int
  sample: 0
elapsed:
  description: Seconds it ran.
  returned: when it ran
  type: float
  sample: 312.4
stdout_tail:
  description: The last O(tail) lines of its output (stdout and stderr together).
  returned: when it ran
  type: list
  elements: str
"""
