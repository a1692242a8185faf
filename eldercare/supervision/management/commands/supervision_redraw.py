"""Re-draw check: re-draw a campaign from its recorded seed and lists, compare with the recorded result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.supervision import selectors
from eldercare.supervision.models import Campaign


class Command(BaseCommand):
    help = "Re-draw a 双随机 campaign from its published seed and lists; prints MATCH or MISMATCH."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign_id"]).first()
        if campaign is None or not campaign.seed:
            raise CommandError("No drawn campaign with this id.")
        check = selectors.campaign_redraw_check(campaign)
        ok = check.fingerprint_matches and check.result_matches and check.conflict_free
        self.stdout.write(f"seed={campaign.seed} fingerprint={check.fingerprint}")
        self.stdout.write(
            f"fingerprint {'matches' if check.fingerprint_matches else 'DIFFERS'}; result "
            f"{'matches' if check.result_matches else 'DIFFERS'}; "
            f"{'no conflicted inspector' if check.conflict_free else 'CONFLICTED INSPECTOR ASSIGNED'}"
        )
        self.stdout.write("MATCH" if ok else "MISMATCH")
        if not ok:
            raise CommandError("The recorded result cannot be re-drawn.")
