#!/usr/bin/env bash
# The whole test suite, as README.md states it and CI runs it: unit tests of every module, then the
# integration tests that start the packaged zreliable.jar as real processes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -B verify "$@"
