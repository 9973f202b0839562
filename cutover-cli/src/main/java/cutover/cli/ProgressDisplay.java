package cutover.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shows the progress of long work, one line per entity: live bars on a terminal, a plain status
 * line every few seconds otherwise (logs, CI), nothing with {@code --quiet} or {@code --json}. It
 * polls a snapshot supplier, so the pipeline never waits for the display.
 */
final class ProgressDisplay implements AutoCloseable {
    /** Done and expected (-1 when unknown) units of one line. */
    record Line(long done, long expected) {}

    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final Supplier<Map<String, Line>> snapshot;
    private final boolean interactive;
    private final PrintStream plainOut;
    private final Map<String, ProgressBar> bars = new LinkedHashMap<>();
    private final Thread poller;
    private final String unit;
    private volatile boolean stopped;

    ProgressDisplay(Supplier<Map<String, Line>> snapshot, String unit, boolean interactive, PrintStream plainOut) {
        this.snapshot = snapshot;
        this.unit = unit;
        this.interactive = interactive;
        this.plainOut = plainOut;
        this.poller = new Thread(this::poll, "cutover-progress");
        this.poller.setDaemon(true);
    }

    /** Starts showing progress on standard error, or shows nothing when {@code enabled} is false. */
    static ProgressDisplay start(boolean enabled, String unit, Supplier<Map<String, Line>> snapshot) {
        ProgressDisplay d = new ProgressDisplay(snapshot, unit, System.console() != null, System.err);
        if (enabled) d.poller.start();
        else d.stopped = true;
        return d;
    }

    private void poll() {
        long lastPlain = System.nanoTime();
        while (!stopped) {
            try {
                Thread.sleep(interactive ? 200 : 250);
            } catch (InterruptedException e) {
                return;
            }
            if (interactive) {
                update();
            } else if (System.nanoTime() - lastPlain >= PLAIN_EVERY.toNanos()) {
                printPlain();
                lastPlain = System.nanoTime();
            }
        }
    }

    private synchronized void update() {
        snapshot.get().forEach((name, line) -> {
            ProgressBar bar = bars.computeIfAbsent(name, n -> new ProgressBarBuilder()
                    .setTaskName(pad(n))
                    .setInitialMax(line.expected() > 0 ? line.expected() : -1) // -1: unknown, a counter without a bar
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" " + unit, 1)
                    .showSpeed()
                    .continuousUpdate()
                    .build());
            if (line.expected() > 0) bar.maxHint(Math.max(line.expected(), line.done()));
            bar.stepTo(line.done());
        });
    }

    private void printPlain() {
        Map<String, Line> lines = snapshot.get();
        if (lines.isEmpty()) return; // nothing read (e.g. every table unchanged): no empty "progress:" line
        StringBuilder s = new StringBuilder();
        lines.forEach((name, line) -> {
            if (s.length() > 0) s.append(", ");
            s.append(name).append(' ').append(line.done());
            if (line.expected() > 0) s.append('/').append(line.expected());
        });
        plainOut.println("progress: " + s);
    }

    private static String pad(String name) {
        return name.length() >= 22 ? name.substring(0, 21) + "…" : String.format("%-22s", name);
    }

    @Override
    public void close() {
        boolean wasRunning = !stopped;
        stopped = true;
        poller.interrupt();
        try {
            poller.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!wasRunning) return;
        if (interactive) {
            update();
            synchronized (this) {
                bars.values().forEach(ProgressBar::close);
            }
        } else {
            printPlain();
        }
    }
}
