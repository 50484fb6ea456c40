"""The two scales: what the data set holds and how long each scenario runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    # Municipality head-counts: the first is the large one; the rest are drawn skewed so
    # that the total is `employees`.
    municipalities: int
    employees: int
    largest: int
    second: tuple[int, ...]  # fixed sizes after the largest (Aarhus, Odense, Aalborg …)
    smallest: int
    # Plans: share of employees with a current individual plan, and of those agreed.
    current_plan_share: float = 0.90
    agreed_share_of_current: float = 0.885
    superseded_share: float = 0.065  # employees with an older, superseded plan as well
    closed_share: float = 0.03  # employees whose only plan was closed
    group_plan_people_share: float = 0.02  # employees who are also members of a group plan
    absence_share: float = 0.12
    interview_share_this_year: float = 0.88
    interview_share_last_year: float = 0.5
    # Scenario timing.
    duration_s: int = 5
    pgbench_s: int = 3
    alone_requests: int = 5
    alone_cap_s: float = 20.0
    burst_timeout_s: float = 120.0
    plan_read_ids: int = 20_000
    connections: int = 64
    threads: int = 2


SCALES = {
    "small": Scale(
        name="small",
        municipalities=3,
        employees=5_000,
        largest=3_000,
        second=(1_300,),
        smallest=700,
        duration_s=5,
        pgbench_s=3,
        alone_requests=5,
        alone_cap_s=10.0,
        burst_timeout_s=60.0,
    ),
    "national": Scale(
        name="national",
        municipalities=98,
        employees=500_000,
        largest=45_000,
        second=(24_000, 15_500, 15_000, 10_500, 9_000),
        smallest=450,
        duration_s=30,
        pgbench_s=20,
        alone_requests=10,
        alone_cap_s=120.0,
        burst_timeout_s=600.0,
    ),
}
