"""Every write of the integrations app: MLflow runs (``runs``), webhooks (``webhooks``)."""
