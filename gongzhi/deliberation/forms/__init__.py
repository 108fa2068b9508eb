"""Forms of the deliberation pages: they parse and check input at the edge, nothing more.
Whether an action is allowed, at which step and for whom, is the services' and rules' answer."""
