// Replaced by the HTTP server module.
