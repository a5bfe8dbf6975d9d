#!/bin/sh
# Runs a command with stderr merged into stdout, then prints `exit: N`:
# lit's shell cannot test an exact exit code, so tests pipe this to FileCheck.
"$@" 2>&1
echo "exit: $?"
