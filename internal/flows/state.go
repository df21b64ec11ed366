package flows

// state is the flows engine's own per-session state (jars, tokens, PKCE, ...).
type state struct{}
