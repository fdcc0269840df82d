"""Runs INSIDE the sandbox with the generated repo's interpreter: import each module given
as JSON `[[module, extra_sys_path_or_null], ...]` and print one marked JSON line per result.

Stdlib only; a per-module alarm turns a hanging import into a reported timeout.
"""

import importlib
import json
import os
import signal
import sys
import traceback

MARK = "@@repowright-import@@ "


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError("import did not finish in time: top-level code loops or does heavy work")


def main() -> None:
    per_module = float(sys.argv[1])
    specs = json.loads(sys.argv[2])
    signal.signal(signal.SIGALRM, _timeout)
    for module, extra in specs:
        if extra and extra not in sys.path:
            sys.path.insert(0, extra)
        sys.argv = [module]  # code that parses arguments at import sees none
        record = {"module": module, "ok": True}
        signal.setitimer(signal.ITIMER_REAL, per_module)
        try:
            importlib.import_module(module)
        except BaseException as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            record = {
                "module": module,
                "ok": False,
                "type": type(exc).__name__,
                "message": str(exc)[:800],
                "frames": [[f.filename, f.lineno] for f in frames],
            }
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout.write("\n" + MARK + json.dumps(record) + "\n")
        sys.stdout.flush()
    os._exit(0)  # do not wait for threads a module may have started


if __name__ == "__main__":
    main()
