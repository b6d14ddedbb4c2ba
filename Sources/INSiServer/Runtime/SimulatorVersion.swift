/// The version of insi-sim, reported by `--version`, `/health` and the start-up line.
public enum SimulatorVersion {
    public static let current = "0.1.0"
}
