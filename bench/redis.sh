#!/usr/bin/env bash
# Issue 16 benchmark, kept under its first name: bench/engine.sh redis (see there).
exec "$(dirname "$0")/engine.sh" redis "$@"
