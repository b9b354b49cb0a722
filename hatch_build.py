"""Builds the optional C accelerator ``provenance/_fastpage.c`` (build_page's per-line features).

Hatchling runs this hook for ``pip install .`` (the module goes into the wheel) and ``pip install -e .``
(the module goes next to its source, where the editable install imports it). Without a C compiler, or
when the build fails, it prints one warning and the package runs its pure-Python code, with the same
results. ``python hatch_build.py`` builds the module in place, for running from a checkout.
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent
SOURCE = ROOT / "provenance" / "_fastpage.c"
MODULE = "provenance/_fastpage" + sysconfig.get_config_var("EXT_SUFFIX")


def compile_accelerator(target: Path) -> bool:
    """Compiles ``SOURCE`` into ``target``; False, after one warning line, when that cannot be done."""
    linker = sysconfig.get_config_var("LDSHARED")  # the C compiler with its flags for a shared library
    if not linker:
        print("warning: provenance: no C compiler known to this Python; using the pure-Python code", file=sys.stderr)
        return False
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()  # the module says which source it was built from
    command = [*shlex.split(linker), "-O2", "-fPIC", f"-I{sysconfig.get_paths()['include']}",
               f'-DSOURCE_DIGEST="{digest}"', str(SOURCE), "-o", str(target)]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = (getattr(error, "stderr", "") or str(error)).strip().splitlines()
        print(f"warning: provenance: the C accelerator did not build ({detail[-1] if detail else error}); "
              "using the pure-Python code", file=sys.stderr)
        return False
    return True


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, without hatchling
    BuildHookInterface = object


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        if version == "editable":
            compile_accelerator(ROOT / MODULE)
            return
        built = Path(tempfile.mkdtemp(prefix="provenance-build-")) / Path(MODULE).name
        if compile_accelerator(built):
            build_data["force_include"][str(built)] = MODULE
            build_data["pure_python"] = False
            build_data["infer_tag"] = True


if __name__ == "__main__":
    sys.exit(0 if compile_accelerator(ROOT / MODULE) else 1)
