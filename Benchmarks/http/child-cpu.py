#!/usr/bin/env python3
"""Runs a command and writes the CPU time it used (user + system, its children included) in
whole microseconds to a file: run.sh measures the load generator's own CPU per request this
way, since on a machine it shares with the server, wrk's CPU is part of what bounds the rate.

Usage: child-cpu.py OUT-FILE COMMAND [ARGUMENTS...]   (exits with the command's status)
"""
import resource
import subprocess
import sys

out, command = sys.argv[1], sys.argv[2:]
status = subprocess.run(command).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as file:
    file.write("%d\n" % round((usage.ru_utime + usage.ru_stime) * 1e6))
sys.exit(status)
