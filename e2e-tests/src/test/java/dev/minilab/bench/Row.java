package dev.minilab.bench;

/**
 * One line of the benchmark table: what was measured, the figure, the target and whether the figure meets it.
 *
 * @param met null when the row has no target (printed for context only)
 */
record Row(String figure, String measured, String target, Boolean met, String note) {

    static Row of(String figure, String measured, String target, boolean met) {
        return new Row(figure, measured, target, met, "");
    }

    static Row info(String figure, String measured) {
        return new Row(figure, measured, "—", null, "");
    }

    static Row failed(String figure, String target, String why) {
        return new Row(figure, "not measured", target, false, why);
    }

    Row withNote(String text) {
        return new Row(figure, measured, target, met, text);
    }

    String verdict() {
        return met == null ? "" : met ? "met" : "MISSED";
    }
}
