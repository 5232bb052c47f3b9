"""Operating the bot: health and readiness, Prometheus metrics, structured logs."""
