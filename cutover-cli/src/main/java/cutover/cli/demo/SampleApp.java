package cutover.cli.demo;

import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The documents of a made-up FlutterFlow app, generated deterministically from a seed: {@code users}
 * with the fields FlutterFlow's auth creates ({@code uid}, {@code email}, {@code display_name},
 * {@code photo_url}, {@code created_time}, {@code phone_number}), {@code posts} with a
 * {@code comments} subcollection, {@code chats} with {@code messages}, and {@code orders} that
 * reference users. Like real apps it has flaws an analysis should find: an {@code age} field that
 * is sometimes a string, orders pointing to deleted users, and one display name holding a NUL
 * character that PostgreSQL cannot store.
 *
 * <p>Streams: each top-level document is followed by its subcollection documents, and nothing is
 * kept in memory, so millions of documents can be written.
 */
public final class SampleApp implements Iterable<Record> {
    static final EntityName USERS = EntityName.of("users");
    static final EntityName POSTS = EntityName.of("posts");
    static final EntityName COMMENTS = EntityName.of("posts/*/comments");
    static final EntityName CHATS = EntityName.of("chats");
    static final EntityName MESSAGES = EntityName.of("chats/*/messages");
    static final EntityName ORDERS = EntityName.of("orders");

    private static final String[] FIRST = {"Ada", "Grace", "Linus", "Margaret", "Alan", "Katherine", "Dennis", "Barbara", "Ken", "Frances", "Zoë", "José", "Ümit", "Søren", "Chen"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Johnson", "Ritchie", "Liskov", "Thompson", "Allen", "Müller", "García", "Yılmaz", "Kierkegaard", "Wei"};
    private static final String[] WORDS = {"launch", "coffee", "release", "weekend", "flutter", "widget", "sunset", "recipe", "update", "trip", "photo", "idea"};
    private static final String[] STATUS = {"pending", "paid", "shipped", "delivered", "refunded"};
    private static final Instant EPOCH = Instant.parse("2023-01-01T00:00:00Z");

    private final int users;
    private final long seed;

    /** {@code users} users; the app then has about 12.5 documents per user in all. */
    public SampleApp(int users, long seed) {
        if (users < 1) throw new IllegalArgumentException("users must be at least 1");
        this.users = users;
        this.seed = seed;
    }

    /** How many documents {@link #iterator()} yields, computed without generating them. */
    public long documentCount() {
        long n = 0;
        for (Record ignored : this) n++;
        return n;
    }

    public int users() { return users; }

    @Override
    public Iterator<Record> iterator() {
        return new Iterator<>() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private final List<Record> pending = new ArrayList<>();
            private int phase; // 0 users, 1 posts, 2 chats, 3 orders
            private int index;

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && phase < 4) fill();
                return !pending.isEmpty();
            }

            @Override
            public Record next() {
                if (!hasNext()) throw new NoSuchElementException();
                return pending.remove(0);
            }

            private void fill() {
                int limit = switch (phase) {
                    case 0 -> users;
                    case 1 -> users * 2;
                    case 2 -> Math.max(1, users / 2);
                    default -> users;
                };
                if (index >= limit) {
                    phase++;
                    index = 0;
                    return;
                }
                switch (phase) {
                    case 0 -> pending.add(user(index));
                    case 1 -> post(index);
                    case 2 -> chat(index);
                    default -> pending.add(order(index));
                }
                index++;
            }

            private String uid(int i) { return String.format("u%07d", i); }

            private Instant time(long maxSeconds) {
                return EPOCH.plusSeconds(random.nextLong(maxSeconds)).plusNanos(random.nextInt(1_000_000) * 1000L);
            }

            private Record user(int i) {
                String first = FIRST[random.nextInt(FIRST.length)], last = LAST[random.nextInt(LAST.length)];
                Map<String, Value> f = new LinkedHashMap<>();
                f.put("uid", Value.of(uid(i)));
                f.put("email", Value.of((first + "." + last + i + "@example.com").toLowerCase(java.util.Locale.ROOT)));
                // one user whose name holds a NUL character: PostgreSQL text cannot store it
                f.put("display_name", Value.of(i == 3 ? first + "\u0000" + last : first + " " + last));
                f.put("photo_url", random.nextInt(4) == 0 ? Value.NULL : Value.of("https://picsum.photos/seed/" + uid(i) + "/200"));
                f.put("created_time", Value.of(time(3L * 365 * 86400)));
                if (random.nextInt(3) > 0) f.put("phone_number", Value.of("+1555" + String.format("%07d", random.nextInt(10_000_000))));
                // 'age' is a string in some documents, as happens when an old app version wrote it
                int age = 18 + random.nextInt(60);
                f.put("age", random.nextInt(20) == 0 ? Value.of(Integer.toString(age)) : Value.of((long) age));
                f.put("is_admin", Value.of(random.nextInt(50) == 0));
                f.put("location", new Value.GeoPoint(-60 + random.nextDouble() * 120, -180 + random.nextDouble() * 360));
                f.put("interests", new Value.Array(List.of(Value.of(WORDS[random.nextInt(WORDS.length)]), Value.of(WORDS[random.nextInt(WORDS.length)]))));
                f.put("settings", new Value.MapValue(Map.of("notifications", Value.of(random.nextBoolean()), "theme", Value.of(random.nextBoolean() ? "dark" : "light"))));
                return new Record(USERS, Key.of(uid(i)), f);
            }

            private void post(int i) {
                String id = String.format("p%07d", i);
                String author = uid(random.nextInt(users));
                Map<String, Value> f = new LinkedHashMap<>();
                f.put("author", new Value.Reference("users/" + author));
                f.put("title", Value.of(sentence(4)));
                f.put("body", Value.of(sentence(30)));
                f.put("created_time", Value.of(time(3L * 365 * 86400)));
                f.put("likes", Value.of((long) random.nextInt(500)));
                f.put("rating", Value.of(Math.round(random.nextDouble() * 50) / 10.0));
                pending.add(new Record(POSTS, Key.of(id), f));
                int comments = random.nextInt(7);
                for (int c = 0; c < comments; c++) {
                    Map<String, Value> cf = new LinkedHashMap<>();
                    cf.put("author", new Value.Reference("users/" + uid(random.nextInt(users))));
                    cf.put("text", Value.of(sentence(12)));
                    cf.put("created_time", Value.of(time(3L * 365 * 86400)));
                    pending.add(new Record(COMMENTS, Key.of(id, String.format("c%02d", c)), cf));
                }
            }

            private void chat(int i) {
                String id = String.format("chat%06d", i);
                String a = uid(random.nextInt(users)), b = uid(random.nextInt(users));
                Map<String, Value> f = new LinkedHashMap<>();
                f.put("users", new Value.Array(List.of(new Value.Reference("users/" + a), new Value.Reference("users/" + b))));
                f.put("last_message", Value.of(sentence(6)));
                f.put("last_message_time", Value.of(time(3L * 365 * 86400)));
                pending.add(new Record(CHATS, Key.of(id), f));
                int messages = 2 + random.nextInt(8);
                for (int m = 0; m < messages; m++) {
                    Map<String, Value> mf = new LinkedHashMap<>();
                    mf.put("sender", new Value.Reference("users/" + (m % 2 == 0 ? a : b)));
                    mf.put("text", Value.of(sentence(8)));
                    mf.put("timestamp", Value.of(time(3L * 365 * 86400)));
                    if (random.nextInt(10) == 0) mf.put("image", Value.of("https://picsum.photos/seed/" + id + m + "/400"));
                    pending.add(new Record(MESSAGES, Key.of(id, String.format("m%03d", m)), mf));
                }
            }

            private Record order(int i) {
                Map<String, Value> f = new LinkedHashMap<>();
                // about 1% of orders belong to users who deleted their account
                String user = random.nextInt(100) == 0 ? "deleted-" + i : uid(random.nextInt(users));
                f.put("user", new Value.Reference("users/" + user));
                int lines = 1 + random.nextInt(3);
                List<Value> items = new ArrayList<>();
                double total = 0;
                for (int l = 0; l < lines; l++) {
                    double price = Math.round(random.nextDouble() * 10000) / 100.0;
                    long qty = 1 + random.nextInt(3);
                    total += price * qty;
                    items.add(new Value.MapValue(Map.of("sku", Value.of("SKU-" + random.nextInt(1000)), "price", Value.of(price), "qty", Value.of(qty))));
                }
                f.put("items", new Value.Array(items));
                f.put("total", Value.of(Math.round(total * 100) / 100.0));
                f.put("status", Value.of(STATUS[random.nextInt(STATUS.length)]));
                f.put("created_time", Value.of(time(3L * 365 * 86400)));
                return new Record(ORDERS, Key.of(String.format("o%07d", i)), f);
            }

            private String sentence(int words) {
                StringBuilder s = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    if (w > 0) s.append(' ');
                    s.append(WORDS[random.nextInt(WORDS.length)]);
                }
                return s.toString();
            }
        };
    }
}
