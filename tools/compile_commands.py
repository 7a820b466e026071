#!/usr/bin/python3
"""Write compile_commands.json for editors (clangd): `make compile_commands.json`.

Arguments are groups, each `-- CC FLAGS SOURCE...`: the kernel's freestanding
flags for kernel sources, the host flags for unit tests.
"""
import json
import os
import shlex
import sys


def groups(args):
    out = []
    for a in args:
        if a == "--":
            out.append([])
        elif out:
            out[-1].append(a)
    return out


def main():
    root = os.getcwd()
    out = []
    for g in groups(sys.argv[1:]):
        if len(g) < 3:
            continue
        cc, flags, srcs = g[0], shlex.split(g[1]), g[2:]
        out += [{"directory": root, "file": s, "arguments": [cc] + flags + ["-c", s]}
                for s in srcs]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
