"""Run by `repowright doctor` in a child process: load a GGUF with llama.cpp and generate.

A runtime built for another CPU dies here (SIGILL) rather than in the middle of a run. The
build's CPU features are printed before the model loads, so they survive a crash.

    python -m repowright.doctor.probe_runtime MODEL.gguf
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(path: str) -> None:
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode(errors="replace")
    print(json.dumps({"system_info": info}), flush=True)
    begin = time.monotonic()
    llm = llama_cpp.Llama(
        model_path=path, n_ctx=256, n_threads=max(1, os.cpu_count() or 1), verbose=False
    )
    out = llm("The capital of France is", max_tokens=4, temperature=0.0)
    # llama_cpp types the call as a response or a stream of chunks; without stream=True it is
    # the response, which has "usage".
    usage = out["usage"]  # type: ignore[index]
    seconds = round(time.monotonic() - begin, 2)
    print(json.dumps({"tokens": usage["completion_tokens"], "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
