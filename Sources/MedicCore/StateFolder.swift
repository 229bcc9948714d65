/// Where Medic keeps its state (command history, session directories).
public enum StateFolder {
    /// `$XDG_STATE_HOME/medic`, with `XDG_STATE_HOME` defaulting to `$HOME/.local/state`; a
    /// relative value is ignored, as the XDG specification asks. Nil when neither gives a place.
    public static func path(environment: (String) -> String?) -> String? {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/medic" }
        if let home = environment("HOME"), home.hasPrefix("/") { return home + "/.local/state/medic" }
        return nil
    }
}
