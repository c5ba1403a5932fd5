package io.zreliable.broker.bench;

import io.zreliable.common.Contexts;
import io.zreliable.common.Sockets;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The one-hop ceiling: a single-threaded ROUTER-to-DEALER proxy in front of a ROUTER echo server, both on loopback
 * TCP, each on its own thread. Clients connect DEALER sockets to {@link #frontend()} and get every frame they send
 * back unchanged.
 */
final class EchoProxyTopology implements AutoCloseable {
    private static final int POLL_MILLIS = 100;

    private final ZContext context = Contexts.create();
    private final ZMQ.Socket proxyControl;
    private final Thread echoThread;
    private final Thread proxyThread;
    private final String frontend;
    private volatile boolean stopping;

    EchoProxyTopology() throws InterruptedException {
        ZMQ.Socket echo = Sockets.create(context, SocketType.ROUTER);
        echo.bind("tcp://127.0.0.1:*");
        String echoEndpoint = echo.getLastEndpoint();
        echoThread = new Thread(() -> echoUntilStopped(echo), "bench-echo");

        ZMQ.Socket front = Sockets.create(context, SocketType.ROUTER);
        front.bind("tcp://127.0.0.1:*");
        frontend = front.getLastEndpoint();
        ZMQ.Socket back = Sockets.create(context, SocketType.DEALER);
        back.connect(echoEndpoint);
        String controlEndpoint = "inproc://bench-proxy-control-" + System.identityHashCode(this);
        ZMQ.Socket control = Sockets.create(context, SocketType.PAIR);
        control.bind(controlEndpoint);
        proxyControl = Sockets.create(context, SocketType.PAIR);
        proxyControl.connect(controlEndpoint);
        proxyThread = new Thread(() -> ZMQ.proxy(front, back, null, control), "bench-proxy");

        echoThread.start();
        proxyThread.start();
    }

    String frontend() {
        return frontend;
    }

    ZContext context() {
        return context;
    }

    private void echoUntilStopped(ZMQ.Socket socket) {
        socket.setReceiveTimeOut(POLL_MILLIS);
        while (!stopping) {
            Echo.once(socket);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        proxyControl.send(ZMQ.PROXY_TERMINATE);
        proxyThread.join();
        echoThread.join();
        context.close();
    }
}
