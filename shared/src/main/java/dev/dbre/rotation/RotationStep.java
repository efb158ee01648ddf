package dev.dbre.rotation;

/** The four steps of the Secrets Manager rotation protocol, in the order they run. */
public enum RotationStep {
    CREATE_SECRET("createSecret"),
    SET_SECRET("setSecret"),
    TEST_SECRET("testSecret"),
    FINISH_SECRET("finishSecret");

    private final String wireName;

    RotationStep(String wireName) {
        this.wireName = wireName;
    }

    /** The name in a Secrets Manager rotation event's {@code Step} field. */
    public String wireName() {
        return wireName;
    }

    /**
     * @throws RotationException ({@link RotationError#UNKNOWN_STEP}) if {@code name} is not one of
     *     the four step names
     */
    public static RotationStep fromWireName(String name) {
        for (RotationStep s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new RotationException(
                RotationError.UNKNOWN_STEP,
                "step '" + name + "' is not one of createSecret, setSecret, testSecret, finishSecret");
    }
}
