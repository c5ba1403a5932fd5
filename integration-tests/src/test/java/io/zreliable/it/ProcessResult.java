package io.zreliable.it;

/** Exit code and combined stdout/stderr of a finished process. */
record ProcessResult(int exitCode, String output) {
}
