package cutover.cli;

/** A count with its noun, singular or plural as the count asks ("1 record", "2,500 records"), for what commands print. */
final class Counted {
    private Counted() {}

    static String of(long n, String one, String many) {
        return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    /** A noun whose plural adds an s. */
    static String of(long n, String one) {
        return of(n, one, one + "s");
    }
}
