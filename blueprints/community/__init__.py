"""Community group buying (社区团购) pages: neighbours' (`views`: near me, a pickup
point's page, ordering for pickup) and leaders' (`leader_views`: apply, batches,
verifying pickup codes, earnings)."""
