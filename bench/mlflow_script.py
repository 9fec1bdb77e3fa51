"""A realistic MLflow training script: what a scientist's job logs, unchanged.

Three runs (a small learning-rate sweep), each logging params and tags, three per-step curves
(``loss`` and ``auc``, which a Tandem board knows, and ``grad_norm``, which it does not) with
``MlflowClient.log_batch`` in MLflow's 1,000-metric batches, and ten per-epoch
``mlflow.log_metric`` calls: 3 x (3 x 2,220 + 10) = 20,010 metric points. The tests run it
against a live Tandem; ``make bench`` against Tandem and against a real MLflow server.
"""

import math
import time

STEPS = 2220
EPOCHS = 10
RUNS = 3
BATCH = 1000
TOTAL_POINTS = RUNS * (3 * STEPS + EPOCHS)


def train(experiment: str, *, idea_id: int | None = None) -> list[str]:
    """Log the sweep to ``experiment``; the ``tandem.idea`` tag names the idea when given.
    Returns the run ids, in order."""
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    mlflow.set_experiment(experiment)
    client = MlflowClient()
    run_ids = []
    for index, lr in enumerate((0.1, 0.03, 0.01)):
        tags = {"team": "churn", "sweep": "lr"}
        if idea_id is not None:
            tags["tandem.idea"] = str(idea_id)
        with mlflow.start_run(run_name=f"gbm-lr-{lr}", tags=tags) as run:
            run_id = run.info.run_id
            run_ids.append(run_id)
            mlflow.log_params({"lr": lr, "depth": 6, "model": "gbm", "seed": index})
            mlflow.set_tags({"stage": "offline", "data": "2026-10"})
            start = int(time.time() * 1000) - STEPS * 10
            curves = []
            for step in range(STEPS):
                progress = step / STEPS
                stamp = start + step * 10
                loss = 0.7 * math.exp(-3 * progress * lr * 30) + 0.2
                auc = 0.80 + 0.08 * (1 - math.exp(-4 * progress)) * (1 - index * 0.1)
                curves += [
                    Metric("loss", loss, stamp, step),
                    Metric("auc", auc, stamp, step),
                    Metric("grad_norm", 1 / (1 + step), stamp, step),
                ]
            for offset in range(0, len(curves), BATCH):
                client.log_batch(run_id, metrics=curves[offset : offset + BATCH])
            for epoch in range(EPOCHS):
                mlflow.log_metric("epoch_seconds", 12.5 + epoch * 0.1, step=epoch)
    return run_ids
