package io.zreliable.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A trivial line-echo TCP server on 127.0.0.1 that the harness self-test runs in a container (java -cp, this one
 * class file) to check kill -9, pause, restart and SIGTERM on a process that really serves a port. Not product code.
 */
public final class LoopbackEcho {
    private LoopbackEcho() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("echo stopping")));
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true); // a restart re-binds while killed connections sit in TIME_WAIT
            server.bind(new InetSocketAddress("127.0.0.1", port));
            System.out.println("echo ready on port " + port);
            while (true) {
                try (Socket client = server.accept();
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                        PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        out.println(line);
                    }
                } catch (IOException e) {
                    System.out.println("echo connection failed: " + e);
                }
            }
        }
    }
}
