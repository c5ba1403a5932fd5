package io.zreliable.common;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The ZAP handler (RFC 27) of one {@link ZContext}, built on JeroMQ's {@link ZAuth}: a CURVE client is let in only
 * if its public key is in a certificate of the allow-list directory (re-read when files change), or is the server's
 * own. Refusals are counted and logged at WARN once per key (then at debug, so a peer reconnecting in a loop cannot
 * flood the log), and at most {@value RateLimitedLog#LINES_PER_WINDOW} keys a minute (so an attacker with a new key
 * each time cannot either; {@link #refused()} counts them all); any other mechanism asking is refused.
 *
 * <p>Thread contract: decisions run on ZAuth's own thread; the counters are readable from any thread. Close it
 * after the sockets it guards: a CURVE server socket with no ZAP handler in its context accepts every key.
 */
public final class ZapAuthenticator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZapAuthenticator.class);
    /** Distinct refused keys remembered for "log once"; older ones are forgotten (and may be logged again). */
    static final int REMEMBERED_KEYS = 1024;

    private final ZAuth auth;
    private final AllowList allowList;

    private ZapAuthenticator(ZAuth auth, AllowList allowList) {
        this.auth = auth;
        this.allowList = allowList;
    }

    static ZapAuthenticator start(ZContext context, Path allowDirectory, String selfKey, String name) {
        Require.notNull(context, "context");
        AllowList allowList = new AllowList(allowDirectory, selfKey, name);
        Map<String, ZAuth.Auth> mechanisms = Map.of(
                ZMQ.Socket.Mechanism.CURVE.name(), allowList,
                ZMQ.Socket.Mechanism.NULL.name(), new Refuse(allowList),
                ZMQ.Socket.Mechanism.PLAIN.name(), new Refuse(allowList));
        ZAuth auth = new ZAuth(context, "zap-" + name, mechanisms);
        auth.configureCurve(allowDirectory.toString());
        return new ZapAuthenticator(auth, allowList);
    }

    /** Connections let in so far. */
    public long allowed() {
        return allowList.allowed.sum();
    }

    /** Connections refused so far (unknown key, or a mechanism other than CURVE). */
    public long refused() {
        return allowList.refused.sum();
    }

    /** Refusal lines not printed because the rate limit was reached (each refusal is still counted). */
    public long suppressedWarnings() {
        return allowList.warnings.suppressed();
    }

    @Override
    public void close() {
        auth.close();
    }

    /** CURVE: JeroMQ's certificate-directory check, counted and logged. */
    private static final class AllowList implements ZAuth.Auth {
        private final ZAuth.SimpleCurveAuth delegate = new ZAuth.SimpleCurveAuth();
        private final Path directory;
        private final String selfKey;
        private final String name;
        private final LongAdder allowed = new LongAdder();
        private final LongAdder refused = new LongAdder();
        private final RateLimitedLog warnings = new RateLimitedLog(LOG);
        private final Set<String> loggedKeys = Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED_KEYS;
            }
        });

        AllowList(Path directory, String selfKey, String name) {
            this.directory = directory;
            this.selfKey = selfKey;
            this.name = name;
        }

        @Override
        public boolean configure(ZMsg msg, boolean verbose) {
            return delegate.configure(msg, verbose);
        }

        @Override
        public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
            boolean ok;
            try {
                ok = selfKey.equals(request.clientKey) || delegate.authorize(request, false);
            } catch (RuntimeException e) {
                // A certificate that cannot be read must not open the door, nor stop the handler.
                LOG.warn("{}: allow-list {} could not be checked: {}", name, directory, e.toString());
                ok = false;
            }
            if (ok) {
                allowed.increment();
            } else {
                refuse(request.mechanism, request.clientKey, request.address);
            }
            return ok;
        }

        void refuse(String mechanism, String key, String address) {
            refused.increment();
            String who = key == null ? mechanism : key;
            if (loggedKeys.add(who)) {
                warnings.warn("{}: refused {} client key {} from {} (not in {}; {} refused so far)", name, mechanism,
                        who, address, directory, refused.sum());
            } else {
                LOG.debug("{}: refused {} client key {} from {} again", name, mechanism, who, address);
            }
        }
    }

    /** Any mechanism but CURVE: refused and counted with the allow-list's counters. */
    private record Refuse(AllowList counters) implements ZAuth.Auth {
        @Override
        public boolean configure(ZMsg msg, boolean verbose) {
            return true;
        }

        @Override
        public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
            counters.refuse(request.mechanism, null, request.address);
            return false;
        }
    }
}
