"""Identity's use cases, one module per aggregate; each is a plain function over a session."""
