package io.zreliable.titanic;

import io.zreliable.common.Clock;
import io.zreliable.common.Require;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.AsyncRequestHandler;
import io.zreliable.majordomo.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Titanic server (9/TSP): opens its {@link TitanicStore}, registers the services {@code titanic.request},
 * {@code titanic.reply} and {@code titanic.close} with the Majordomo broker as ordinary MDP workers, and dispatches
 * stored requests to their services through the broker (see {@link Dispatcher} for the delivery rules: in arrival
 * order per service, held while the service has no worker, retried with back-off, at-least-once).
 *
 * <pre>{@code
 * TitanicConfig config = TitanicConfig.builder(TitanicStoreConfig.of(Path.of("data")))
 *         .connect("tcp://127.0.0.1:5555").build();
 * try (Titanic titanic = Titanic.start(config)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread contract: {@link #start} and {@link #close} from any one thread; the accessors from any thread. The
 * workers, the dispatcher and the store each run their own threads.
 */
public final class Titanic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Titanic.class);

    private final TitanicStore store;
    private final Dispatcher dispatcher;
    private final TspServices services;
    private final List<MajordomoWorker> workers = new ArrayList<>();
    private boolean closed;

    private Titanic(TitanicConfig config, TitanicStore store) {
        this.store = store;
        this.dispatcher = new Dispatcher(store,
                () -> new MdpServiceCaller(config.endpoints(), config.requestTimeout(), config.curve().orElse(null)),
                config.retryBackoff(), config.dispatchers(), config.storeTimeout(), Clock.system(),
                config.holdDispatch());
        this.services = new TspServices(store, config.storeTimeout(), dispatcher);
    }

    /**
     * Opens the store (failing with a {@link TitanicStoreException} naming the file if it cannot), resumes
     * dispatch of every pending request, then registers the three TSP services with the broker.
     */
    public static Titanic start(TitanicConfig config) {
        Require.notNull(config, "titanic config");
        TitanicStore store = TitanicStore.open(config.store());
        Titanic titanic;
        try {
            titanic = new Titanic(config, store);
            titanic.dispatcher.start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            for (int i = 0; i < config.requestWorkers(); i++) {
                titanic.register(config, TspProtocol.REQUEST, titanic.services::request);
            }
            titanic.register(config, TspProtocol.REPLY, titanic.services::reply);
            titanic.register(config, TspProtocol.CLOSE, titanic.services::close);
        } catch (RuntimeException e) {
            titanic.close();
            throw e;
        }
        LOG.info("Titanic ready on {} with store {}{}", config.endpoints(), config.store().directory(),
                config.holdDispatch() ? " (delivery held)" : "");
        return titanic;
    }

    private void register(TitanicConfig config, String service, AsyncRequestHandler handler) {
        WorkerConfig workerConfig = WorkerConfig.builder(service).connect(config.endpoints())
                .heartbeat(config.heartbeat()).backoff(config.reconnectBackoff()).curve(config.curve().orElse(null))
                .build();
        // The handlers only start store operations; the worker replies when the store answers, never blocking.
        workers.add(MajordomoWorker.async(workerConfig, handler).start());
    }

    /**
     * Starts delivering stored requests, if this Titanic was started with {@code holdDispatch}; no-op otherwise.
     * Thread-safe.
     */
    public void resumeDispatch() {
        if (dispatcher.isHeld()) {
            dispatcher.resume();
            LOG.info("Titanic delivery resumed");
        }
    }

    /** True while delivery is held ({@code holdDispatch}, not yet resumed). */
    public boolean isDispatchHeld() {
        return dispatcher.isHeld();
    }

    public TitanicStore store() {
        return store;
    }

    /** Replies received from services and stored so far. */
    public long delivered() {
        return dispatcher.delivered();
    }

    /** Requests sent to services so far, retries included. */
    public long attempts() {
        return dispatcher.attempts();
    }

    /** Deliveries put off because the service had no worker (8/MMI {@code mmi.service} said 404). */
    public long deferrals() {
        return dispatcher.deferrals();
    }

    /** Deliveries put off because the store had no space for their replies. */
    public long pausedDeliveries() {
        return dispatcher.paused();
    }

    /** Replies that could not be stored at once and were held to be stored again, not fetched again. */
    public long heldReplies() {
        return dispatcher.heldReplies();
    }

    /** Malformed TSP requests answered with 400 so far. */
    public long malformed() {
        return services.malformed().total();
    }

    /** TSP requests answered with 500 so far (store full or failed). */
    public long failures() {
        return services.failures().total();
    }

    /** Unregisters from the broker, stops dispatching and closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MajordomoWorker worker : workers) {
            worker.close();
        }
        dispatcher.close();
        services.close();
        store.close();
        LOG.info("Titanic stopped; store {} closed cleanly", store.directory());
    }
}
