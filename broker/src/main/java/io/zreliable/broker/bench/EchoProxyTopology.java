package io.zreliable.broker.bench;

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

    private final ZContext context = new ZContext();
    private final ZMQ.Socket proxyControl;
    private final Thread echoThread;
    private final Thread proxyThread;
    private final String frontend;
    private volatile boolean stopping;

    EchoProxyTopology() throws InterruptedException {
        ZMQ.Socket echo = context.createSocket(SocketType.ROUTER);
        echo.bind("tcp://127.0.0.1:*");
        String echoEndpoint = echo.getLastEndpoint();
        echoThread = new Thread(() -> echoUntilStopped(echo), "bench-echo");

        ZMQ.Socket front = context.createSocket(SocketType.ROUTER);
        front.bind("tcp://127.0.0.1:*");
        frontend = front.getLastEndpoint();
        ZMQ.Socket back = context.createSocket(SocketType.DEALER);
        back.connect(echoEndpoint);
        String controlEndpoint = "inproc://bench-proxy-control-" + System.identityHashCode(this);
        ZMQ.Socket control = context.createSocket(SocketType.PAIR);
        control.bind(controlEndpoint);
        proxyControl = context.createSocket(SocketType.PAIR);
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
