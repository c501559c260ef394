"""Customer analytics on real data and on the demo chains: segmentation (K-means + DBSCAN),
customer value (BG/NBD + Gamma-Gamma), association rules and next-product recommendations,
each with its time and peak memory, and its quality beside the baseline of the same run.

Data sets (each present one is run):

- ``online_retail``: UCI Online Retail (identified customers, invoices as baskets);
- ``groceries``: the arules Groceries baskets (association rules only);
- ``small``: the small demo chain's published snapshot (``var/dev``), scored against its
  planted truth (profiles, complementary pairs);
- ``medium``: the medium demo chain's snapshot (``var/medium``), when it has been built;
- ``medium_synthetic``: a chain of the medium chain's size drawn here (vectorised): 10,000
  identified customers of 6 profiles over 730 days (about 2M lines), and 1.7M baskets of all
  tickets (5M lines, 2,000 SKUs in 40 categories, 40 planted complementary pairs) for the rules;
  the stand-in for timing and memory when the medium snapshot is not there.

Every step runs in its own child process (spawned), which imports the libraries and loads its
inputs from Parquet (neither is timed), resets
its peak-RSS mark (``/proc/self/clear_refs``), runs, and reports its wall time, its peak RSS
during the step (``VmHWM``) and the RSS its inputs alone took before it.
Machines are shared: run it under ``flock /tmp/bench.lock``. Results go to docs/BENCHMARKS.md.

    uv run python bench/bench_customers.py [--only online_retail,groceries,small,medium]
        [--medium-database var/medium/warehouse.duckdb] [--small-home var/h17/small]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from erp_core.paths import PROJECT_ROOT, REAL_DATA_DIR

SNAPSHOTS = {
    "small": PROJECT_ROOT / "var" / "dev",
    "medium": PROJECT_ROOT / "var" / "medium",
}


# ---------------------------------------------------------------- inputs (parent process)


def online_retail_inputs() -> dict[str, pd.DataFrame]:
    raw = pd.read_parquet(REAL_DATA_DIR / "online_retail.parquet")
    raw = raw[raw["CustomerID"].notna()]
    is_return = raw["InvoiceNo"].str.startswith("C")
    amount = raw["Quantity"] * raw["UnitPrice"]
    lines = pd.DataFrame(
        {
            "customer_id": raw["CustomerID"].astype(int),
            "sale_id": raw["InvoiceNo"].str.lstrip("C"),
            "sale_date": raw["InvoiceDate"].dt.normalize(),
            "store_id": raw["Country"],
            "net_sales_pen": amount,
            "units_qty": raw["Quantity"].astype(float),
            "is_return": is_return,
        }
    )
    sales = raw[~is_return & (raw["Quantity"] > 0)]
    return {
        "lines": lines,
        "transactions": pd.DataFrame(
            {"customer_id": lines["customer_id"], "ds": lines["sale_date"], "amount": amount}
        ),
        "baskets": pd.DataFrame({"basket_id": sales["InvoiceNo"], "item": sales["StockCode"]}),
        "history": pd.DataFrame(
            {
                "customer_id": sales["CustomerID"].astype(int),
                "basket_id": sales["InvoiceNo"],
                "ds": sales["InvoiceDate"],
                "item": sales["StockCode"],
            }
        ),
    }


def groceries_inputs() -> dict[str, pd.DataFrame]:
    raw = pd.read_parquet(REAL_DATA_DIR / "groceries_baskets.parquet")
    return {"baskets": raw.rename(columns={"transaction_id": "basket_id"})[["basket_id", "item"]]}


def warehouse_inputs(home: Path, database: Path | None = None) -> dict[str, pd.DataFrame]:
    """The chain's marts, from its published snapshot (or ``database``, opened read-only)."""
    import duckdb

    con = duckdb.connect(str(database or home / "warehouse_snapshot.duckdb"), read_only=True)
    lines = con.sql(
        """
        select l.customer_id, l.sale_id, l.sale_date, l.store_id, l.channel, l.is_promotion,
            l.is_return, l.units_qty::double as units_qty,
            l.net_sales_pen::double as net_sales_pen, p.department_name as category
        from marts.fct_sales_lines l join marts.dim_product p using (product_id)
        where l.customer_id is not null
        """
    ).df()
    payments = con.sql(
        """
        select sale_id, main_payment_method_code as payment_method
        from marts.fct_customer_transactions
        where transaction_type = 'sale' and customer_id is not null
        """
    ).df()
    transactions = con.sql(
        """
        select customer_id, transaction_date as ds, net_sales_pen::double as amount
        from marts.fct_customer_transactions where customer_id is not null
        """
    ).df()
    baskets = con.sql(
        """
        select l.sale_id as basket_id, p.sku as item
        from marts.fct_sales_lines l join marts.dim_product p using (product_id)
        where not l.is_return
        """
    ).df()
    history = con.sql(
        """
        select l.customer_id, l.sale_id as basket_id, l.sale_date as ds, l.product_id as item,
            l.store_id, p.department_name as "group"
        from marts.fct_sales_lines l join marts.dim_product p using (product_id)
        where l.customer_id is not null and not l.is_return
        """
    ).df()
    pseudonyms = con.sql("select customer_id, customer_pseudonym from marts.dim_customer").df()
    con.close()
    inputs = {
        "lines": lines,
        "payments": payments,
        "transactions": transactions,
        "baskets": baskets,
        "history": history,
    }
    truth_file = home / "demo" / "planted_truth.json"
    if truth_file.exists():
        truth = json.loads(truth_file.read_text())
        profiles = pseudonyms.assign(
            profile=pseudonyms["customer_pseudonym"].map(truth.get("customers", {}))
        )
        inputs["truth"] = profiles[["customer_id", "profile"]].dropna()
        pairs = pd.DataFrame(truth.get("complementary_pairs", []))
        if not pairs.empty:
            inputs["pairs"] = pairs[["sku", "complement_sku"]]
    return inputs


def medium_synthetic_inputs(seed: int = 3) -> dict[str, pd.DataFrame]:
    """The medium chain's size, drawn with numpy (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    days, skus, categories, stores = 730, 2_000, 40, 20
    start = pd.Timestamp("2025-01-01")
    # profiles: visits per day, lines per ticket, units, promo share, preferred categories
    profiles = [
        (0.25, 1.8, 1, 0.05),
        (0.1, 6.5, 1.5, 0.05),
        (0.13, 6, 12, 0.02),
        (0.08, 4, 1, 0.05),
        (0.1, 4, 2, 0.7),
        (0.015, 3, 1, 0.05),
    ]
    customers = 10_000
    profile = rng.integers(0, len(profiles), customers)
    taste = rng.dirichlet(np.full(categories, 0.3), len(profiles))
    rate = np.array([p[0] for p in profiles])[profile] * rng.gamma(4, 0.25, customers)
    joined = rng.integers(0, days // 2, customers)
    tickets_per_customer = rng.poisson(rate * (days - joined))
    owner = np.repeat(np.arange(customers), tickets_per_customer)
    ticket_day = joined[owner] + (rng.random(len(owner)) * (days - joined[owner])).astype(int)
    lines_per_ticket = 1 + rng.poisson(np.array([p[1] for p in profiles])[profile[owner]] - 1)
    line_ticket = np.repeat(np.arange(len(owner)), lines_per_ticket)
    line_owner = owner[line_ticket]
    cumulative = taste.cumsum(axis=1)
    category = (cumulative[profile[line_owner]] < rng.random(len(line_ticket))[:, None]).sum(1)
    category = np.minimum(category, categories - 1)
    item = category * (skus // categories) + rng.zipf(1.6, len(line_ticket)) % (skus // categories)
    units = np.maximum(1, rng.poisson(np.array([p[2] for p in profiles])[profile[line_owner]]))
    promo = rng.random(len(line_ticket)) < np.array([p[3] for p in profiles])[profile[line_owner]]
    price = 2.0 + (item % 97)
    amount = units * price * np.where(promo, 0.8, 1.0)
    home = rng.integers(1, stores + 1, customers)
    store = np.where(
        rng.random(len(owner)) < 0.85, home[owner], rng.integers(1, stores + 1, len(owner))
    )
    sale_date = start + pd.to_timedelta(ticket_day, unit="D")
    lines = pd.DataFrame(
        {
            "customer_id": line_owner,
            "sale_id": line_ticket,
            "sale_date": sale_date[line_ticket],
            "store_id": store[line_ticket],
            "net_sales_pen": amount,
            "units_qty": units.astype(float),
            "is_promotion": promo,
            "is_return": False,
            "category": np.char.add("C", category.astype(str)),
        }
    )
    methods = np.array(["cash", "yape", "card", "plin", "transfer"])
    payments = pd.DataFrame(
        {
            "sale_id": np.arange(len(owner)),
            "payment_method": methods[rng.integers(0, 5, len(owner))],
        }
    )
    # all tickets, identified or not, for the rules: 1.7M baskets, 5M lines, planted pairs
    baskets_count, total_lines = 1_700_000, 5_000_000
    basket = np.sort(rng.integers(0, baskets_count, total_lines))
    basket_item = rng.zipf(1.3, total_lines) % skus
    pairs = rng.choice(skus, size=(40, 2), replace=False)
    attach = np.isin(basket_item, pairs[:, 0]) & (rng.random(total_lines) < 0.5)
    lookup = dict(zip(pairs[:, 0], pairs[:, 1], strict=True))
    extra = np.array([lookup[i] for i in basket_item[attach]])
    baskets = pd.DataFrame(
        {
            "basket_id": np.concatenate([basket, basket[attach]]),
            "item": np.concatenate([basket_item, extra]).astype(str),
        }
    )
    history = pd.DataFrame(
        {
            "customer_id": line_owner,
            "basket_id": line_ticket,
            "ds": sale_date[line_ticket],
            "item": item,
            "store_id": store[line_ticket],
            "group": np.char.add("C", category.astype(str)),
        }
    )
    return {
        "lines": lines,
        "payments": payments,
        "transactions": lines.groupby(["customer_id", "sale_id"], as_index=False)
        .agg(ds=("sale_date", "first"), amount=("net_sales_pen", "sum"))
        .drop(columns="sale_id"),
        "baskets": baskets,
        "history": history,
        "truth": pd.DataFrame({"customer_id": np.arange(customers), "profile": profile}),
        "pairs": pd.DataFrame(
            {"sku": pairs[:, 0].astype(str), "complement_sku": pairs[:, 1].astype(str)}
        ),
    }


# ---------------------------------------------------------------- steps (child processes)


def step_segmentation(frames: dict) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from ml.segmentation import customer_features, fit_segments

    lines = frames["lines"]
    features = customer_features(lines, lines["sale_date"].max(), frames.get("payments"))
    result = fit_segments(features)
    chosen = next(s for s in result.card["k_selection"] if s["k"] == result.card["k"])
    dbscan = result.card["dbscan"]
    out = {
        "customers": len(features),
        "k": result.card["k"],
        "silhouette": round(chosen["silhouette"], 3),
        "stability": round(chosen["stability"], 3),
        "segments": dict(
            zip(result.segments["segment_name"], result.segments["size"].astype(int), strict=True)
        ),
        "dbscan_groups": dbscan["groups"],
        "dbscan_noise_share": round(dbscan["noise_share"], 3),
        "dbscan_ari_with_kmeans": dbscan["ari_with_kmeans_on_grouped"],
    }
    if "truth" in frames:
        truth = frames["truth"].set_index("customer_id")["profile"]
        labelled = result.assignments.join(truth, on="customer_id").dropna(subset=["profile"])
        out["ari_vs_planted"] = round(
            adjusted_rand_score(labelled["profile"], labelled["segment_id"]), 3
        )
    return out


def step_customer_value(frames: dict) -> dict:
    from ml.customer_value import validate_customer_value

    transactions = frames["transactions"]
    first, last = pd.to_datetime(transactions["ds"]).agg(["min", "max"])
    horizon = min(90, (last - first).days // 3)
    end = last - pd.Timedelta(days=horizon)
    validation = validate_customer_value(transactions, end, horizon)
    metrics = validation.metrics
    return {
        "calibration_end": str(end.date()),
        "horizon_days": horizon,
        "customers": len(validation.per_customer),
        "mae": metrics["mae_purchases"].round(3).to_dict(),
        "rmse": metrics["rmse_purchases"].round(3).to_dict(),
        "mae_spend": metrics["mae_spend"].round(2).to_dict(),
        "bias": metrics["total_purchases_bias"].round(3).to_dict(),
        "improvement_vs_naive": round(validation.improvement(), 3),
    }


def step_rules(frames: dict) -> dict:
    from ml.recommendations import association_rules

    baskets = frames["baskets"]
    rules = association_rules(baskets)
    out = {
        "baskets": int(baskets["basket_id"].nunique()),
        "items": int(baskets["item"].nunique()),
        "rules": len(rules),
        "top": [
            f"{r.antecedent} → {r.consequent} (lift {r.lift:.1f}, conf {r.confidence:.2f})"
            for r in rules.head(3).itertuples()
        ],
    }
    if "pairs" in frames:
        position = {
            pair: i
            for i, pair in enumerate(zip(rules["antecedent"], rules["consequent"], strict=True))
        }
        ranks = [
            position.get((a, b), None)
            for a, b in zip(frames["pairs"]["sku"], frames["pairs"]["complement_sku"], strict=True)
        ]
        out["planted_pairs"] = len(ranks)
        out["planted_pair_ranks"] = [r + 1 if r is not None else None for r in ranks]
    return out


def step_recommendations(frames: dict) -> dict:
    from ml.recommendations import evaluate_recommendations

    scores = evaluate_recommendations(frames["history"], k=10)
    hits = scores.attrs["hits"]
    ours, popular = scores.loc["modelo"], scores.loc["popularidad"]
    out = {
        "customers": int(ours["customers"]),
        "blend": scores.attrs["card"]["chosen"],
        "hit_rate@10": {m: round(v, 3) for m, v in scores["hit_rate@10"].items()},
        "recall@10": {m: round(v, 3) for m, v in scores["recall@10"].items()},
        "ratio_vs_popularity": round(ours["hit_rate@10"] / popular["hit_rate@10"], 2),
    }
    for baseline in ("popularidad", "popularidad_reciente", "similitud"):
        wins = int((hits["modelo"] & ~hits[baseline]).sum())
        losses = int((~hits["modelo"] & hits[baseline]).sum())
        z = (wins - losses) / max((wins + losses) ** 0.5, 1.0)  # paired sign test
        out[f"vs_{baseline}"] = {"wins": wins, "losses": losses, "z": round(z, 2)}
    if "truth" in frames:
        ceiling = planted_ceiling(frames["history"], frames["truth"])
        out["planted_profile_popularity_hit_rate@10"] = round(ceiling, 3)
        out["planted_ceiling_vs_popularity"] = round(ceiling / popular["hit_rate@10"], 2)
    return out


def planted_ceiling(history: pd.DataFrame, truth: pd.DataFrame, k: int = 10) -> float:
    """Hit rate@k of the popularity within each customer's planted profile (known only to the
    demo's generator) on the same last-basket split: what a recommender could reach if it knew
    the profile, since the demo draws every basket afresh from profile × popularity."""
    from ml.recommendations.evaluation import score_recommendations
    from ml.recommendations.history import last_baskets, replenishment_items, split_last_basket

    train, hidden = split_last_basket(history)
    profile = truth.set_index("customer_id")["profile"]
    train = train.assign(profile=train["customer_id"].map(profile))
    customers = [c for c in hidden["customer_id"].unique() if c in profile.index]
    replenishment = replenishment_items(train)
    last = last_baskets(train[train["customer_id"].isin(customers)])
    blocked = last[~last["item"].isin(replenishment)].groupby("customer_id")["item"].agg(set)
    per_profile = train.drop_duplicates(["basket_id", "item"]).groupby(["profile", "item"]).size()
    ranked = {
        name: list(group.droplevel(0).sort_values(ascending=False, kind="stable").index)
        for name, group in per_profile.groupby(level=0)
    }
    rows = []
    for customer in customers:
        excluded = blocked.get(customer, set())
        top = [i for i in ranked[profile[customer]] if i not in excluded][:k]
        rows.extend((customer, rank, item) for rank, item in enumerate(top, start=1))
    recommended = pd.DataFrame(rows, columns=["customer_id", "rank", "item"])
    hidden = hidden[hidden["customer_id"].isin(customers)]
    return score_recommendations(recommended, hidden, k)[f"hit_rate@{k}"]


STEPS = {
    "segmentation": (step_segmentation, ("lines", "payments", "truth")),
    "customer_value": (step_customer_value, ("transactions",)),
    "association_rules": (step_rules, ("baskets", "pairs")),
    "recommendations": (step_recommendations, ("history", "truth")),
}


def run_step(step: str, folder: str) -> dict:
    """In the child: load the step's inputs, note the RSS, run, report time and peak RSS."""
    for module in ("ml.segmentation", "ml.customer_value", "ml.recommendations", "sklearn.metrics"):
        importlib.import_module(module)  # seconds on a busy machine: not the step's time

    function, names = STEPS[step]
    frames = {
        name: pd.read_parquet(Path(folder) / f"{name}.parquet")
        for name in names
        if (Path(folder) / f"{name}.parquet").exists()
    }
    inputs_mb = _status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS mark back to the current RSS
    start = time.perf_counter()
    result = function(frames)
    seconds = time.perf_counter() - start
    peak_mb = _status_mb("VmHWM")
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb),
        "inputs_mb": round(inputs_mb),
        **result,
    }


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_dataset(name: str, inputs: dict[str, pd.DataFrame], steps: list[str]) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-customers-{name}-") as folder:
        for key, frame in inputs.items():
            frame.to_parquet(Path(folder) / f"{key}.parquet", index=False)
        context = multiprocessing.get_context("spawn")
        for step in steps:
            if STEPS[step][1][0] not in inputs:
                continue
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
                results[step] = pool.submit(run_step, step, folder).result()
            print(f"[{name}] {step}: {json.dumps(results[step], ensure_ascii=False)}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="online_retail,groceries,small,medium,medium_synthetic")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--medium-database",
        type=Path,
        help="read the medium chain's marts from this DuckDB file (read-only) instead of its "
        "snapshot, e.g. var/medium/warehouse.duckdb before a snapshot is published",
    )
    parser.add_argument(
        "--small-home",
        type=Path,
        help=f"read the small chain from this home instead of {SNAPSHOTS['small']} (another "
        "generation of the same chain, e.g. with a changed generator)",
    )
    args = parser.parse_args()
    if args.small_home:
        SNAPSHOTS["small"] = args.small_home.resolve()
    wanted = args.only.split(",")
    all_steps = list(STEPS)
    results = {}
    if "online_retail" in wanted:
        results["online_retail"] = run_dataset("online_retail", online_retail_inputs(), all_steps)
    if "groceries" in wanted:
        results["groceries"] = run_dataset("groceries", groceries_inputs(), ["association_rules"])
    for chain in ("small", "medium"):
        home = SNAPSHOTS[chain]
        if chain in wanted:
            database = args.medium_database if chain == "medium" else None
            if not (database or home / "warehouse_snapshot.duckdb").exists():
                print(f"[{chain}] no snapshot at {home}: skipped", file=sys.stderr)
                continue
            results[chain] = run_dataset(chain, warehouse_inputs(home, database), all_steps)
    if "medium_synthetic" in wanted:
        results["medium_synthetic"] = run_dataset(
            "medium_synthetic", medium_synthetic_inputs(), all_steps
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
