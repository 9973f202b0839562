package cutover.connector;

import java.util.List;

/**
 * A database named with several of its schemas ({@code postgresql://…/app?schema=auth,public}),
 * read schema by schema at one moment: a backup stores each schema as a snapshot of its own (each
 * restored, checked and forgotten as a backup of that schema alone), and reads them all while
 * {@link #holdAtThisMoment} holds, so that rows of one schema referring to another's (Supabase's
 * {@code public.profiles} to {@code auth.users}) agree, as in one {@code pg_dump}.
 */
public interface SchemaSet extends Capability {
    /** The schemas, in the order named. */
    List<String> schemas();

    /**
     * The schema as a connector of its own (its {@link Source} and digests; its location names that
     * schema alone), sharing this one's connections: closing it closes nothing. While this set is
     * held, its source's moment is the set's.
     */
    Connector ofSchema(String schema);

    /** Holds every schema's reads at this moment until closed: each schema's source joins it, whichever holds it in turn. */
    PointInTime holdAtThisMoment();
}
