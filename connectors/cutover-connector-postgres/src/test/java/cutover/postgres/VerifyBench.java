package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.verify.Difference;
import cutover.verify.Digests;
import cutover.verify.RangeBisection;
import cutover.verify.TableVerdict;
import cutover.verify.VerifyProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives {@link RangeBisection} on one table of two PostgreSQL databases and prints the verdict,
 * every difference and the rate, for bench/verify-vs-fullscan.sh (until {@code cutover verify}
 * exists). Arguments: source location, target location, table, and optionally the number of threads;
 * -Dfirst=, -DfanOut= and -Dleaf= override the other options.
 */
public final class VerifyBench {
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: VerifyBench <source location> <target location> <table> [threads]");
            System.exit(2);
        }
        RangeBisection.Options defaults = RangeBisection.Options.defaults();
        RangeBisection.Options options = new RangeBisection.Options(Integer.getInteger("first", defaults.firstLevelRanges()),
                Integer.getInteger("fanOut", defaults.fanOut()), Long.getLong("leaf", defaults.leafRows()),
                args.length > 3 ? Integer.parseInt(args[3]) : defaults.threads(), 1.0, 0);
        System.out.println(options);
        long started = System.nanoTime();
        try (Connector a = Connectors.discover().open(Location.parse(args[0]), new Settings(Map.of()));
             Connector b = Connectors.discover().open(Location.parse(args[1]), new Settings(Map.of()))) {
            TimedDigests source = new TimedDigests(Connectors.require(a, Digests.class));
            TimedDigests target = new TimedDigests(Connectors.require(b, Digests.class));
            List<String> columns = source.table(args[2]).orElseThrow().columnNames();
            List<Difference> found = new ArrayList<>();
            TableVerdict verdict = null;
            double seconds = 0;
            for (int round = 0; round < Integer.getInteger("rounds", 1); round++) { // -Drounds=2: the second round runs in a warm JVM
                found.clear();
                long compareStarted = System.nanoTime();
                java.util.concurrent.atomic.AtomicLong firstLevel = new java.util.concurrent.atomic.AtomicLong();
                VerifyProgress progress = new VerifyProgress() {
                    @Override
                    public void rowsCompared(String table, long rows) { firstLevel.compareAndSet(0, System.nanoTime() - compareStarted); }
                };
                verdict = new RangeBisection(source, target, options, progress).compare(args[2], args[2], columns, found::add);
                seconds = (System.nanoTime() - compareStarted) / 1e9;
                System.out.printf("round %d: %.2f s (first level done after %.2f s)%n", round + 1, seconds, firstLevel.get() / 1e9);
            }
            for (Difference d : found) System.out.println(d);
            System.out.println(verdict);
            System.out.print(source.report("source"));
            System.out.print(target.report("target"));
            System.out.printf("pushdown: %d source rows compared in %.2f s = %.0f rows/s (%.2f s with connecting); %d differences%n",
                    verdict.sourceCount(), seconds, verdict.sourceCount() / seconds, (System.nanoTime() - started) / 1e9, found.size());
        }
    }
}
