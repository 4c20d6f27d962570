# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: graphviz_render
version_added: 0.2.0
short_description: Render a Graphviz DOT graph to a file (SVG, PNG, ...)
description:
  - Renders O(source) with Graphviz's C(dot) layout (through the C(graphviz) Python package) into O(dest), in the
    format O(format) or, when not given, the one O(dest)'s extension names.
  - The file is replaced only when the rendered bytes differ, so that rendering an unchanged graph again is
    C(changed=false). In check mode nothing is written.
author:
  - kstore platform engineers (!UNKNOWN)
requirements:
  - the C(graphviz) Python package
  - Graphviz's C(dot) program (Debian package C(graphviz))
options:
  source:
    description: The DOT source, e.g. the result of P(kstore.platform.platform_diagram#filter).
    type: str
    required: true
  dest:
    description: The file to write; its folder must exist.
    type: path
    required: true
  format:
    description: The output format; by default the extension of O(dest).
    type: str
    choices: [svg, png, pdf, dot]
  mode:
    description: The file's permissions.
    type: str
    default: "0644"
extends_documentation_fragment:
  - kstore.platform.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: The platform as SVG
  kstore.platform.graphviz_render:
    source: "{{ platform_view | kstore.platform.platform_diagram }}"
    dest: /tmp/platform.svg

- name: The same graph as PNG, whatever the file is called
  kstore.platform.graphviz_render:
    source: "{{ diagram_dot }}"
    dest: /tmp/platform.image
    format: png
"""

RETURN = r"""
dest:
  description: The file written (or that would be written in check mode).
  returned: always
  type: str
  sample: /srv/kstore/.state/diagram.svg
format:
  description: The format rendered.
  returned: always
  type: str
  sample: svg
size:
  description: The rendered size in bytes.
  returned: always
  type: int
  sample: 48213
"""

import os
import tempfile
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

GRAPHVIZ_IMPORT_ERROR = None
try:
    import graphviz
except ImportError:
    graphviz = None
    GRAPHVIZ_IMPORT_ERROR = traceback.format_exc()

FORMATS = ["svg", "png", "pdf", "dot"]


def render(source: str, fmt: str) -> bytes:
    # Graphviz writes nothing when it only warns; it fails (CalledProcessError) on a syntax error.
    return graphviz.Source(source, engine="dot").pipe(format=fmt)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "source": {"type": "str", "required": True},
            "dest": {"type": "path", "required": True},
            "format": {"type": "str", "choices": FORMATS},
            "mode": {"type": "str", "default": "0644"},
        },
        supports_check_mode=True,
    )
    if graphviz is None:
        module.fail_json(msg=missing_required_lib("graphviz"), exception=GRAPHVIZ_IMPORT_ERROR)
    dest = module.params["dest"]
    fmt = module.params["format"] or os.path.splitext(dest)[1].lstrip(".").lower()
    if fmt not in FORMATS:
        module.fail_json(msg=f"cannot tell the format from {dest}: set format to one of {', '.join(FORMATS)}")
    if not os.path.isdir(os.path.dirname(dest) or "."):
        module.fail_json(msg=f"the folder of {dest} does not exist")
    try:
        rendered = render(module.params["source"], fmt)
    except graphviz.ExecutableNotFound:
        module.fail_json(msg="Graphviz's dot program is not installed: apt-get install graphviz (or make deps)")
    except graphviz.CalledProcessError as e:
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else str(e.stderr)
        module.fail_json(msg=f"dot failed on the source: {stderr.strip()}")
    current = None
    if os.path.exists(dest):
        with open(dest, "rb") as existing:
            current = existing.read()
    changed = current != rendered
    if changed and not module.check_mode:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest) or ".", prefix=".graphviz_render.")
        with os.fdopen(fd, "wb") as out:
            out.write(rendered)
        module.atomic_move(tmp, dest)
    if not module.check_mode and os.path.exists(dest):
        changed = module.set_mode_if_different(dest, module.params["mode"], changed)
    module.exit_json(changed=changed, dest=dest, format=fmt, size=len(rendered))


if __name__ == "__main__":
    main()
