# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The attribute descriptions; each module states its own support level next to them.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description:
      - Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    # For the modules listed in meta/runtime.yml's action group `aws`.
    ACTIONGROUP_AWS = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/kstore.platform.aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - kstore.platform.aws
"""
