"""Forms of the plugin, one module per concern."""
