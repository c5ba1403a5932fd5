package io.zreliable.broker;

/** Entry point of {@code java -jar zreliable.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ZReliableCommand.commandLine().execute(args));
    }
}
