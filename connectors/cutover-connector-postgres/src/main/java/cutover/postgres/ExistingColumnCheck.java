package cutover.postgres;

import cutover.model.Value;

/**
 * An existing column that takes the plan's values only in part (a narrower type, a native array):
 * each non-null value is checked before its batch is written, so one it cannot hold sets its
 * record aside instead of failing the batch ({@link PostgresSink#check}).
 */
interface ExistingColumnCheck {
    /** The column's type as the target has it, for messages: {@code smallint}, {@code text[]}. */
    String type();

    /** What is wrong with the (non-null) value for this column, or null when it fits. */
    String problem(Value value);
}
