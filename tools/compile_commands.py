#!/usr/bin/python3
"""Write compile_commands.json for editors (clangd): `make compile_commands.json`."""
import json
import os
import shlex
import sys

cc, flags, srcs = sys.argv[1], sys.argv[2], sys.argv[3:]
root = os.getcwd()
print(json.dumps([{"directory": root, "file": s,
                   "arguments": [cc] + shlex.split(flags) + ["-c", s]} for s in srcs], indent=1))
