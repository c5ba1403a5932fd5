package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class FailureLogTest {

    @Test
    void aRepeatedFailureIsWarnedOnceAndAgainOnlyAfterARecovery() {
        RecordingLogger log = new RecordingLogger();
        FailureLog failures = new FailureLog(log);
        for (int i = 0; i < 100; i++) {
            failures.failed("cannot connect to tcp://nope:1: host 'nope' does not resolve; retrying");
            failures.failed("cannot connect to tcp://nope:2: host 'nope' does not resolve; retrying");
        }
        assertEquals(List.of("WARN cannot connect to tcp://nope:1: host 'nope' does not resolve; retrying",
                "WARN cannot connect to tcp://nope:2: host 'nope' does not resolve; retrying"), log.warnings());
        assertEquals(200, failures.failures());

        failures.recovered();
        failures.failed("cannot connect to tcp://nope:1: host 'nope' does not resolve; retrying");
        assertEquals(3, log.warnings().size());
    }

    @Test
    void manyDistinctFailuresStayBounded() {
        RecordingLogger log = new RecordingLogger();
        FailureLog failures = new FailureLog(log);
        for (int i = 0; i < 10 * FailureLog.REMEMBERED; i++) {
            failures.failed("failure " + i);
        }
        assertEquals(10 * FailureLog.REMEMBERED, log.warnings().size(), "each distinct failure is news once");
    }

    @Test
    void oneLoggerSharesOneInstance() {
        assertSame(FailureLog.of(LoggerFactory.getLogger("x.y")), FailureLog.of(LoggerFactory.getLogger("x.y")));
    }

    /** Keeps WARN lines, for the assertions; everything else is enabled and dropped. */
    private static final class RecordingLogger extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        private final List<String> warnings = new ArrayList<>();

        RecordingLogger() {
            this.name = "recording";
        }

        List<String> warnings() {
            return warnings;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] arguments,
                Throwable throwable) {
            if (level == Level.WARN) {
                warnings.add("WARN " + MessageFormatter.basicArrayFormat(message, arguments));
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
