"""What the time bank contributes to plan monitoring (discovered by eldercare.planning.registry).

Services are counted in the month they were approved (approved_at), in the community where they were
served (ServiceRequest.division), with the minutes credited to the volunteer. Volunteers are counted as
of the month's last day: registered on or before it and active now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from eldercare.planning.registry import key_counts
from eldercare.timebank.choices import RequestStatus, VolunteerStatus
from eldercare.timebank.models import ServiceRequest, Volunteer

LABELS = {
    "timebank.services": "时间银行服务次数",
    "timebank.hours": "时间银行服务时长",
    "timebank.volunteers": "在册志愿者",
}
UNITS = {"timebank.services": "次", "timebank.hours": "小时", "timebank.volunteers": "人"}


@key_counts("timebank.services", labels=LABELS, units=UNITS, flow=True)
def timebank_key_counts(division_code: str, start: date, end: date) -> Mapping[str, Mapping[str, float]]:
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    out: dict[str, dict[str, float]] = {key: {} for key in LABELS}
    served = (
        ServiceRequest.objects.filter(
            division__code__startswith=division_code,
            status=RequestStatus.APPROVED,
            approved_at__gte=since,
            approved_at__lt=until,
        )
        .values("division_id")
        .annotate(n=Count("id"), minutes=Sum("credited_minutes"))
        .order_by()
    )
    for row in served:
        out["timebank.services"][row["division_id"]] = row["n"]
        out["timebank.hours"][row["division_id"]] = (row["minutes"] or 0) / 60
    volunteers = (
        Volunteer.objects.filter(
            division__code__startswith=division_code, status=VolunteerStatus.ACTIVE, created_at__lt=until
        )
        .values("division_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for code, n in volunteers.values_list("division_id", "n"):
        out["timebank.volunteers"][code] = n
    return out
