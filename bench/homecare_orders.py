"""Home-care order list and provider statement on N orders (10 million by default) in PostgreSQL: p50/p95
latency of the page and the API (full Django stack: middleware, session auth, scope, selectors, template or
schema) against the same SQL run directly on the same database in the same run. Prints a table, writes
bench/results/homecare_orders.json.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/homecare python -m bench.homecare_orders
    python -m bench.homecare_orders --orders 1000000 --repeat 30

Data: 300 providers (Wuhan's 297 service points) each serving one Jiangmen district, 8 catalogue items each,
100,000 elders, N orders over a year (about one every 3 s for 10 M), inserted with INSERT … SELECT
generate_series in chunks (foreign-key triggers off during the load: `session_replication_role = replica`),
then ANALYZE. A second run with the same N reuses the data.

Cases: a provider manager's first page and a deep page (keyset cursor about 2,000 pages in), a district
officer's first page (area = code prefix: served by the city-wide newest-first index), the HTML order page,
and a provider's monthly statement (aggregate by service type and status over the provider/status/date
index). The SQL side runs exactly the statement the ORM generates for that case (`sql_with_params`).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench._protocol import Row, main_for, scaled

RESULTS = Path(__file__).resolve().parent / "results"
PROVIDERS = 300
ELDERS = 100_000
ITEMS_PER_PROVIDER = 8
CHUNK = 1_000_000
BENCH_TAG = "基准服务商"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def _stats(name: str, product: list[float], sql: list[float]) -> dict[str, Any]:
    return {
        "case": name,
        "product_p50_ms": round(statistics.median(product), 2),
        "product_p95_ms": round(_percentile(product, 0.95), 2),
        "sql_p50_ms": round(statistics.median(sql), 2),
        "sql_p95_ms": round(_percentile(sql, 0.95), 2),
        "ratio_p95": round(_percentile(product, 0.95) / max(_percentile(sql, 0.95), 0.001), 1),
    }


def _ensure_data(
    n_orders: int,
    *,
    city: str = "4407",
    profile: str = "jiangmen",
    where: tuple[float, float] = (113.08, 22.58),
) -> dict[str, Any]:
    """Providers, 100,000 elders and `n_orders` orders of the past year in `city` (also used by the planning
    benchmark for Wuhan)."""
    from django.db import connection, transaction

    from eldercare.core.models import Division, DivisionLevel, Organisation, OrganisationKind
    from eldercare.demo.services import ensure_reference_data
    from eldercare.homecare.models import CatalogueItem, Provider, ProviderArea, ServiceOrder

    ensure_reference_data(city_code=city, profile_code=profile)
    districts = list(
        Division.objects.filter(code__startswith=city, level=DivisionLevel.COUNTY).order_by("code")
    )
    communities = list(
        Division.objects.filter(code__startswith=city, level=DivisionLevel.COMMUNITY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not Provider.objects.filter(name__startswith=BENCH_TAG).exists():
        with transaction.atomic():
            for k in range(PROVIDERS):
                district = districts[k % len(districts)]
                org = Organisation.objects.create(
                    name=f"{BENCH_TAG}{k}", kind=OrganisationKind.PROVIDER, division=district
                )
                provider = Provider.objects.create(
                    organisation=org, name=f"{BENCH_TAG}{k}", kind="enterprise", division=district
                )
                ProviderArea.objects.create(provider=provider, division=district)
                CatalogueItem.objects.bulk_create(
                    [
                        CatalogueItem(
                            provider=provider,
                            service_type=t,
                            name=f"{t}",
                            unit_price_fen=1200 + 800 * i,
                            duration_minutes=30 + 15 * i,
                        )
                        for i, t in enumerate(
                            [
                                "meal",
                                "cleaning",
                                "bathing",
                                "walking",
                                "medical",
                                "care",
                                "rehab",
                                "companionship",
                            ]
                        )
                    ]
                )
    providers = list(Provider.objects.filter(name__startswith=BENCH_TAG).order_by("pk"))
    provider_ids = [p.pk for p in providers]
    provider_district = [p.division_id for p in providers]
    organisation_ids = [p.organisation_id for p in providers]
    first_items = [
        CatalogueItem.objects.filter(provider=p).order_by("pk").values_list("pk", flat=True)[0]
        for p in providers
    ]
    # communities of each provider's district, flattened with offsets
    by_district: dict[str, list[str]] = {}
    for code in communities:
        by_district.setdefault(code[:6], []).append(code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_elder WHERE name LIKE %s", [BENCH_TAG + "%"])
        (elders,) = cursor.fetchone()
        if elders < ELDERS:
            cursor.execute(
                """
                INSERT INTO registry_elder (created_at, updated_at, name, id_number, id_number_hash,
                  id_number_masked, sex, birth_date, address, phone, phone_masked, living_situation,
                  economic_status, status, residence_division_id, address_hash, chronic_conditions,
                  dementia_diagnosed, economic_source, ethnicity, family_doctor_signed, name_initials,
                  phone_hash,
                  special_difficulty, special_difficulty_policy_version, special_difficulty_reasons, lon, lat)
                SELECT now(), now(), %s || g, '', 'bench-hc-' || g, '', 'F', date '1940-01-01' + (g %% 9000),
                  '', '', '', 'other', CASE WHEN g %% 10 = 0 THEN 'dibao' ELSE 'ordinary' END, 'active',
                  (%s::text[])[1 + g %% %s], '', '[]'::jsonb, false, '', '', false, '', '', false, 0,
                  '[]'::jsonb,
                  %s, %s
                FROM generate_series(1, %s) g
                """,
                [BENCH_TAG, communities, len(communities), where[0], where[1], ELDERS],
            )
        cursor.execute("SELECT min(id), max(id) FROM registry_elder WHERE name LIKE %s", [BENCH_TAG + "%"])
        elder_min, elder_max = cursor.fetchone()
        have = ServiceOrder.objects.filter(provider_id__in=provider_ids).count()
        started = time.perf_counter()
        while have < n_orders:
            size = min(CHUNK, n_orders - have)
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
                # the elder is drawn from the provider's district so that division scopes see realistic rows
                cursor.execute(
                    """
                    INSERT INTO homecare_serviceorder (created_at, updated_at, provider_id, organisation_id,
                      elder_id,
                      division_id,
                      item_id, service_type, source, source_ref, status, reason, note, scheduled_at,
                      planned_minutes, photo_count, code_hash, code_attempts, confirmed_by, flags, flagged,
                      flag_decision, price_fen, subsidy_fen, elder_fen, funding_source, funding_reasons,
                      policy_version_id, verified_at, check_in_at, check_out_at, served_minutes, confirmed_at,
                      rating_comment)
                    SELECT t.created, t.created, t.provider, t.organisation, %s + (g * 7919) %% (%s - %s + 1),
                      (%s::text[])[1 + t.p], t.item, (ARRAY['meal','cleaning','bathing','walking','medical',
                      'care','rehab','companionship'])[1 + g %% 8], 'community', '',
                      CASE WHEN g %% 50 = 0 THEN 'cancelled' WHEN g %% 40 = 0 THEN 'completed'
                           WHEN t.created > now() - interval '30 days' THEN 'verified' ELSE 'settled' END,
                      '', '', t.created + interval '2 days', 30 + 15 * (g %% 8), 0, '', 0, 'elder',
                      CASE WHEN g %% 40 = 0 THEN '["short_duration"]'::jsonb ELSE '[]'::jsonb END,
                      g %% 40 = 0,
                      '', 1200 + 800 * (g %% 8), CASE WHEN g %% 10 = 0 THEN 1200 + 800 * (g %% 8) ELSE 0 END,
                      CASE WHEN g %% 10 = 0 THEN 0 ELSE 1200 + 800 * (g %% 8) END, 'bench', '[]'::jsonb, 0,
                      CASE WHEN g %% 50 = 0 OR g %% 40 = 0 THEN NULL
                           ELSE t.created + interval '2 days 3 hours' END,
                      t.created + interval '2 days', t.created + interval '2 days 1 hour', 60,
                      t.created + interval '2 days 1 hour', ''
                    FROM generate_series(%s::bigint, %s::bigint) g
                    CROSS JOIN LATERAL (
                      SELECT now() - interval '1 second' * (g * 31536000.0 / %s) AS created,
                             (g %% %s) AS p,
                             (%s::bigint[])[1 + g %% %s] AS provider,
                             (%s::bigint[])[1 + g %% %s] + (g %% 8) AS item,
                             (%s::bigint[])[1 + g %% %s] AS organisation
                    ) t
                    """,
                    [
                        elder_min, elder_max, elder_min, provider_district,
                        have + 1, have + size, n_orders, PROVIDERS,
                        provider_ids, PROVIDERS, first_items, PROVIDERS, organisation_ids, PROVIDERS,
                    ],
                )  # fmt: skip
            have += size
            print(f"  loaded {have:,} orders ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("ANALYZE homecare_serviceorder")
        cursor.execute("ANALYZE registry_elder")
    return {"providers": providers, "load_seconds": round(time.perf_counter() - started, 1)}


def _time_sql(sql: str, params: Any) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - t) * 1000


def _time_get(client: Any, url: str, params: dict[str, Any] | None = None) -> float:
    t = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = (time.perf_counter() - t) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    return elapsed


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    from bench import _django

    url = _django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from eldercare.accounts.models import User
    from eldercare.accounts.roles import Role
    from eldercare.core.scope import DataScope
    from eldercare.homecare import selectors
    from eldercare.homecare.models import ServiceOrder
    from eldercare.homecare.services.settlement import period_start

    print(f"homecare_orders on {url.rsplit('@', 1)[-1]}: {args.orders:,} orders")
    data = _ensure_data(args.orders)
    providers = data["providers"]
    rng = random.Random(1)
    results: list[dict[str, Any]] = []

    def user(username: str, **fields: Any) -> Any:
        found = User.objects.filter(username=username).first()
        return found or User.objects.create(username=username, **fields)

    # a provider manager: first page, then a deep page by keyset cursor
    manager_clients = []
    for provider in rng.sample(providers, 5):
        manager = user(
            f"bench_pm_{provider.pk}", role=Role.PROVIDER_MANAGER, organisation=provider.organisation
        )
        client = Client()
        client.force_login(manager)
        manager_clients.append((client, provider))
    for client, _provider in manager_clients:  # warm-up: first requests import and compile lazily
        _time_get(client, "/api/v1/homecare/orders", {"size": 50})
        _time_get(client, "/homecare/orders/")
    product, sql = [], []
    for k in range(args.repeat):
        client, provider = manager_clients[k % len(manager_clients)]
        product.append(_time_get(client, "/api/v1/homecare/orders", {"size": 50}))
        scope = DataScope(organisation_ids=(provider.organisation_id,))
        qs = selectors.order_list(scope=scope)[:51]
        sql.append(_time_sql(*qs.query.sql_with_params()))
    results.append(_stats("API order list, provider manager, first page", product, sql))

    from django.db.models import Q

    anchors = {}
    for _client, provider in manager_clients:
        offset = min(100_000, int(ServiceOrder.objects.filter(provider=provider).count() * 0.6))
        anchors[provider.pk] = (
            ServiceOrder.objects.filter(provider=provider)
            .order_by("-created_at", "-id")
            .values_list("created_at", "id")[offset]
        )
    product, sql = [], []
    for k in range(args.repeat):
        client, provider = manager_clients[k % len(manager_clients)]
        scope = DataScope(organisation_ids=(provider.organisation_id,))
        at, pk = anchors[provider.pk]
        product.append(
            _time_get(client, "/api/v1/homecare/orders", {"size": 50, "before": f"{at.isoformat()}_{pk}"})
        )
        qs = selectors.order_list(scope=scope).filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))[:51]
        sql.append(_time_sql(*qs.query.sql_with_params()))
    results.append(_stats("API order list, provider manager, deep page (keyset, 60 % in)", product, sql))

    # a district officer (area = code prefix) and the HTML page
    district = providers[0].division_id
    officer = user("bench_district", role=Role.DISTRICT_OFFICER, division_id=district)
    officer_client = Client()
    from eldercare.core.tests.factories import sign_in_verified

    sign_in_verified(officer_client, officer)  # district officers use two-factor sign-in in this profile
    scope = DataScope(division_codes=(district,))
    product, sql, page = [], [], []
    for _ in range(args.repeat):
        product.append(_time_get(officer_client, "/api/v1/homecare/orders", {"size": 50}))
        page.append(_time_get(officer_client, "/homecare/orders/"))
        sql.append(_time_sql(*selectors.order_list(scope=scope)[:51].query.sql_with_params()))
    results.append(_stats("API order list, district officer, first page", product, sql))
    results.append(_stats("HTML order page, district officer, first page", page, sql))

    # the provider statement of last month
    from datetime import timedelta

    from django.db.models import Count, Sum
    from django.utils import timezone

    from eldercare.homecare.services.settlement import period_bounds

    month = period_start(timezone.localdate().replace(day=1) - timedelta(days=1))
    start, end = period_bounds(month)
    product, sql = [], []
    for k in range(args.repeat):
        client, provider = manager_clients[k % len(manager_clients)]
        product.append(
            _time_get(
                client, f"/api/v1/homecare/providers/{provider.pk}/statement", {"period": f"{month:%Y-%m}"}
            )
        )
        qs = (
            ServiceOrder.objects.filter(provider=provider, scheduled_at__gte=start, scheduled_at__lt=end)
            .values("service_type", "status")
            .annotate(
                n=Count("id"), price=Sum("price_fen"), subsidy=Sum("subsidy_fen"), elder=Sum("elder_fen")
            )
            .order_by("service_type", "status")
        )
        sql.append(_time_sql(*qs.query.sql_with_params()))
    results.append(_stats("API provider statement, one month", product, sql))

    rows_per_provider = args.orders // PROVIDERS
    print(
        f"\norders: {args.orders:,} · providers: {PROVIDERS} (~{rows_per_provider:,} orders each) · "
        f"repeat {args.repeat}"
    )
    print(f"{'case':<58}{'p50 ms':>9}{'p95 ms':>9}{'SQL p50':>9}{'SQL p95':>9}{'p95 ×':>7}")
    for r in results:
        print(
            f"{r['case']:<58}{r['product_p50_ms']:>9}{r['product_p95_ms']:>9}{r['sql_p50_ms']:>9}"
            f"{r['sql_p95_ms']:>9}{r['ratio_p95']:>7}"
        )
    result = {
        "orders": args.orders,
        "providers": PROVIDERS,
        "repeat": args.repeat,
        "load_seconds": data["load_seconds"],
        "cases": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "homecare_orders.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def run(scale: float = 1.0) -> list[Row]:
    """Scale 1: 10,000,000 orders, 50 requests per case; goal: p95 < 200 ms through the full stack."""
    r = measure(
        ["--orders", str(scaled(10_000_000, scale, 10_000)), "--repeat", str(scaled(50, scale * 10, 10))]
    )
    return [
        Row(
            f"homecare: {c['case']} p95",
            c["product_p95_ms"],
            c["sql_p95_ms"],
            "ms",
            "< 200 ms",
            c["product_p95_ms"] < 200,
            note="baseline: the ORM's SQL run directly",
        )
        for c in r["cases"]
    ]


if __name__ == "__main__":
    import sys

    if "--scale" in sys.argv:
        main_for(run, sys.argv[1:])
    else:
        measure(sys.argv[1:])
