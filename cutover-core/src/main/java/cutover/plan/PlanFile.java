package cutover.plan;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A plan as read from its YAML file, with the line of every node so problems can point at the line
 * to edit. Pointers are JSON pointers into the YAML tree: {@code /entities/0/columns/2/type}.
 *
 * <pre>{@code
 * PlanFile file = PlanFile.load(Path.of("plan.yaml"));
 * List<PlanProblem> problems = PlanChecker.check(file, schema, targetInfo);
 * RowMapper mapper = PlanMapper.of(file.plan());
 * }</pre>
 */
public final class PlanFile {
    private final String fileName;
    private final Plan plan;
    private final LocatedYaml yaml;
    private final List<String> unknownKeys;

    private PlanFile(String fileName, Plan plan, LocatedYaml yaml, List<String> unknownKeys) {
        this.fileName = fileName;
        this.plan = plan;
        this.yaml = yaml;
        this.unknownKeys = List.copyOf(unknownKeys);
    }

    public static PlanFile load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.PLAN_INVALID, "cannot read the plan " + path + ": " + e.getMessage(), e);
        }
        return parse(text, path.toString());
    }

    /** Reads a plan; PLAN_INVALID naming file:line:col when the YAML is malformed or not shaped like a plan. */
    public static PlanFile parse(String text, String fileName) {
        LocatedYaml yaml = LocatedYaml.parse(text, fileName);
        PlanReader reader = new PlanReader(yaml, fileName, text);
        Plan plan = reader.read();
        return new PlanFile(fileName, plan, yaml, reader.unknownKeys);
    }

    /** The YAML text of a plan, with comments explaining the format and each entity's notes above it. */
    public static String write(Plan plan) { return PlanWriter.write(plan); }

    public Plan plan() { return plan; }

    public String fileName() { return fileName; }

    /** The line of the node at this pointer, or of its nearest ancestor present in the file (1 at worst). */
    public int lineOf(String pointer) { return yaml.positionOf(pointer)[0]; }

    /** The column of the node at this pointer, like {@link #lineOf}. */
    public int columnOf(String pointer) { return yaml.positionOf(pointer)[1]; }

    /** Pointers of keys the format does not know (a typo such as {@code nulable}); the checker reports them. */
    public List<String> unknownKeys() { return unknownKeys; }
}
