package dev.weft.io;

/** Run in a child JVM by PollersTest: prints the chosen backend's name, then its reason. */
public final class BackendProbe {
    private BackendProbe() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Pollers.Choice c = Pollers.choose(args.length > 0 ? args[0] : "AUTO");
            try (Poller p = c.open()) {
                p.poll(0);
            }
            System.out.println(c.name());
            System.out.println(c.reason());
        } catch (RuntimeException e) {
            System.out.println("error");
            System.out.println(e + (e.getCause() != null ? " <- " + e.getCause() : ""));
        }
    }
}
